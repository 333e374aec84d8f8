using System.Buffers.Binary;
using System.Net.Sockets;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One closed-loop datagram socket of <c>bench echo udp://</c>, driven by its <see cref="DatagramEchoWorker"/>'s
/// thread: keeps <c>inFlight</c> datagrams outstanding, one per slot. Each carries its slot and a sequence number
/// (6 bytes), then the <see cref="BytePattern"/> from that number, so a reply proves which request it answers and
/// that it came back whole. A slot unanswered for the loss timeout counts as lost and is sent again with a new
/// number; a reply to a number already given up counts as late. Nothing is allocated per datagram.
/// </summary>
internal sealed class DatagramEchoSocket
{
    /// <summary>Bytes of the header: the sequence number (4), the slot (2).</summary>
    public const int HeaderSize = 6;

    private readonly Socket _socket;
    private readonly BytePattern _pattern;
    private readonly byte[] _message;
    private readonly uint[] _sequence;  // per slot: the number outstanding
    private readonly long[] _sentAt;    // per slot: when it went, 0 = not sent yet (the send would block)
    private uint _nextSequence = 1;

    public DatagramEchoSocket(Socket socket, BytePattern pattern, int size, int inFlight)
    {
        _socket = socket;
        _pattern = pattern;
        _message = new byte[size];
        _sequence = new uint[inFlight];
        _sentAt = new long[inFlight];
        socket.Blocking = false;
    }

    public nint Handle => _socket.Handle;

    /// <summary>Why the socket failed (a corrupt reply, an error), or null while it works.</summary>
    public string? Failure { get; private set; }

    /// <summary>Sends the first datagram of every slot.</summary>
    public void Start(long now)
    {
        for (var slot = 0; slot < _sequence.Length; slot++)
        {
            SendNew(slot, now);
        }
    }

    /// <summary>Reads every reply queued, then resends what was lost or could not go; false once the socket failed.</summary>
    public bool Pump(DatagramEchoWorker worker, byte[] buffer, long now, long lossTicks)
    {
        while (Failure is null)
        {
            var n = _socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                break;
            }

            if (error is SocketError.ConnectionRefused or SocketError.ConnectionReset)
            {
                continue; // an ICMP error for a datagram the server did not take: that one is lost, counted below
            }

            if (error != SocketError.Success)
            {
                Failure = $"receive failed: {error}";
                break;
            }

            OnReply(worker, buffer.AsSpan(0, n), BenchClock.Now);
        }

        for (var slot = 0; slot < _sequence.Length && Failure is null; slot++)
        {
            if (_sentAt[slot] == 0)
            {
                Send(slot, now);
            }
            else if (now - _sentAt[slot] > lossTicks)
            {
                worker.OnLost(now);
                SendNew(slot, now);
            }
        }

        return Failure is null;
    }

    public void Close() => _socket.Dispose();

    private void OnReply(DatagramEchoWorker worker, ReadOnlySpan<byte> reply, long now)
    {
        if (reply.Length != _message.Length)
        {
            Failure = $"a reply of {reply.Length} bytes to a {_message.Length}-byte datagram";
            return;
        }

        var sequence = BinaryPrimitives.ReadUInt32LittleEndian(reply);
        var slot = BinaryPrimitives.ReadUInt16LittleEndian(reply[4..]);
        if (sequence == 0 || sequence >= _nextSequence || slot >= _sequence.Length || !reply[HeaderSize..].SequenceEqual(_pattern.At(sequence, reply.Length - HeaderSize)))
        {
            Failure = $"a corrupt reply (sequence {sequence}, slot {slot}): bytes that were never sent";
            return;
        }

        if (_sequence[slot] != sequence || _sentAt[slot] == 0)
        {
            worker.OnLate(now); // given up as lost (and replaced) before it came, or a duplicate
            return;
        }

        worker.OnMessage(now, now - _sentAt[slot], reply.Length);
        SendNew(slot, now);
    }

    private void SendNew(int slot, long now)
    {
        _sequence[slot] = _nextSequence++;
        _sentAt[slot] = 0;
        Send(slot, now);
    }

    private void Send(int slot, long now)
    {
        var sequence = _sequence[slot];
        BinaryPrimitives.WriteUInt32LittleEndian(_message, sequence);
        BinaryPrimitives.WriteUInt16LittleEndian(_message.AsSpan(4), (ushort)slot);
        _pattern.At(sequence, _message.Length - HeaderSize).CopyTo(_message.AsSpan(HeaderSize));
        _socket.Send(_message, SocketFlags.None, out var error);
        if (error == SocketError.Success)
        {
            _sentAt[slot] = now;
        }
        else if (error is not (SocketError.WouldBlock or SocketError.NoBufferSpaceAvailable or SocketError.ConnectionRefused))
        {
            Failure = $"send failed: {error}";
        }
    }
}
