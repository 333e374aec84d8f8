using System.Net.Sockets;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One chat member's socket and state, driven by the thread of <see cref="EpollChatMembers"/>. Sampling members keep a line
/// buffer and parse each line for its send time; the others only count line ends, so the load stays cheap.
/// Senders also hold the line they are writing and how many of their lines each probe (the first member on each
/// server) has seen.
/// </summary>
internal sealed class ChatMember
{
    private readonly Socket _socket;
    private readonly byte[]? _lines;
    private int _lineLength;
    private readonly byte[]? _outgoing;
    private int _outgoingLength;
    private int _outgoingOffset;
    private ushort _tail; // the last two bytes received, to find a marker split across two reads

    public ChatMember(Socket socket, int index, bool samples, bool sends)
    {
        _socket = socket;
        Index = index;
        _lines = samples ? new byte[16 * 1024] : null;
        _outgoing = sends ? new byte[96] : null;
        socket.Blocking = false;
    }

    public int Index { get; }

    public nint Handle => _socket.Handle;

    public bool IsSender => _outgoing is not null;

    public bool Dropped { get; private set; }

    /// <summary>Lines this sender has started to write.</summary>
    public long Sent { get; private set; }

    /// <summary>Lines of this sender that every probe has seen (the window's lower edge).</summary>
    public long Acknowledged { get; private set; }

    // Per probe (the first member on each server of the cluster): how many of this sender's lines it has seen.
    private long[] _seenByProbe = [];

    /// <summary>Makes this sender's window wait for <paramref name="probes"/> probes, one per server.</summary>
    public void WatchProbes(int probes) => _seenByProbe = new long[probes];

    /// <summary>
    /// Probe <paramref name="probe"/> has seen line <paramref name="sequence"/>: the window's lower edge moves to
    /// what the slowest probe has seen, so no server of a cluster falls behind unpaced.
    /// </summary>
    public void Acknowledge(int probe, long sequence)
    {
        if (_seenByProbe[probe] > sequence)
        {
            return;
        }

        _seenByProbe[probe] = sequence + 1;
        var least = long.MaxValue;
        foreach (var seen in _seenByProbe)
        {
            least = Math.Min(least, seen);
        }

        Acknowledged = least;
    }

    /// <summary>When a rate-limited sender may write its next line (ticks).</summary>
    public long NextSendAt { get; set; }

    /// <summary>Reads everything that arrived; false when the server closed the connection or it failed.</summary>
    public bool Receive(EpollChatMembers members, byte[] scratch, long now)
    {
        while (!Dropped)
        {
            var buffer = _lines is null ? scratch.AsSpan() : _lines.AsSpan(_lineLength);
            var n = _socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return true;
            }

            if (error != SocketError.Success || n == 0)
            {
                Dropped = true;
                return false;
            }

            if (_lines is null)
            {
                members.Load.OnDeliveries(CountMarkers(buffer[..n]), now);
            }
            else
            {
                ParseLines(members, n, now);
            }

            if (n < buffer.Length)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Writes lines while the window and the rate allow; false when the connection failed.</summary>
    public bool Send(ChatLoad load, long now, int window, long ticksPerLine)
    {
        while (!Dropped)
        {
            if (_outgoingOffset == _outgoingLength)
            {
                if (Sent - Acknowledged >= window || now < NextSendAt)
                {
                    return true;
                }

                _outgoingLength = ChatLine.Format(_outgoing!, Index, Sent, now);
                _outgoingOffset = 0;
                Sent++;
                load.OnSent(now);
                NextSendAt = ticksPerLine == 0 ? now : Math.Max(NextSendAt + ticksPerLine, now - BenchClock.Ticks(TimeSpan.FromSeconds(1)));
            }

            var n = _socket.Send(_outgoing.AsSpan(_outgoingOffset, _outgoingLength - _outgoingOffset), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return true;
            }

            if (error != SocketError.Success)
            {
                Dropped = true;
                return false;
            }

            _outgoingOffset += n;
        }

        return false;
    }

    public void Close() => _socket.Dispose();

    /// <summary>Senders' lines in a chunk, counted by their marker: cheaper than parsing, and blind to server notices.</summary>
    private int CountMarkers(ReadOnlySpan<byte> chunk)
    {
        var count = chunk.Count(ChatLine.Marker);
        var tail = _tail;
        if ((chunk.Length >= 2 && (tail & 0xFF) == 's' && chunk[0] == 'b' && chunk[1] == ':')
            || (chunk.Length >= 1 && tail == ('s' << 8 | 'b') && chunk[0] == ':'))
        {
            count++;
        }

        _tail = chunk.Length >= 2 ? (ushort)(chunk[^2] << 8 | chunk[^1]) : (ushort)(tail << 8 | chunk[^1]);
        return count;
    }

    private void ParseLines(EpollChatMembers members, int received, long now)
    {
        _lineLength += received;
        var pending = _lines.AsSpan(0, _lineLength);
        int end;
        while ((end = pending.IndexOf((byte)'\n')) >= 0)
        {
            if (ChatLine.TryParse(pending[..end], out var sender, out var sequence, out var sendTicks))
            {
                members.Load.OnDeliveries(1, now);
                members.OnSenderLine(this, sender, sequence, now - sendTicks, now);
            }

            pending = pending[(end + 1)..];
        }

        if (pending.Length == _lines!.Length)
        {
            pending = default; // a line longer than the buffer: not one of ours, drop it
        }

        pending.CopyTo(_lines);
        _lineLength = pending.Length;
    }
}
