using System.Buffers;
using HdrHistogram;
using Switchboard.Client;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One member of <see cref="TlsChatMembers"/>: a library <see cref="ClientConnection"/> over TLS with a read loop of its
/// own, and for a sender the line it writes next and how many of its lines member 0 has seen.
/// </summary>
internal sealed class TlsChatMember(ClientConnection connection, int index, bool samples, bool sends)
{
    private const int MaxLine = 16 * 1024;
    private long _acknowledged;

    public ClientConnection Connection { get; } = connection;

    public int Index { get; } = index;

    public bool Samples { get; } = samples;

    public bool IsSender { get; } = sends;

    /// <summary>This member's delivery latencies (sampling members only; merged at the end).</summary>
    public LongHistogram? Latency { get; } = samples ? LatencyPercentiles.NewHistogram() : null;

    /// <summary>Wakes this sender when member 0 has seen more of its lines.</summary>
    public SemaphoreSlim Acknowledgements { get; } = new(0);

    /// <summary>Lines of this sender that member 0 has seen (the window's lower edge).</summary>
    public long Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Member 0 saw line <paramref name="sequence"/>: moves the window and wakes the sender.</summary>
    public void Acknowledge(long sequence)
    {
        if (Volatile.Read(ref _acknowledged) <= sequence)
        {
            Volatile.Write(ref _acknowledged, sequence + 1);
            if (Acknowledgements.CurrentCount == 0)
            {
                Acknowledgements.Release(); // one waker (member 0's loop), so at most one count is pending
            }
        }
    }

    /// <summary>Reads until the server ends the connection; each sender line goes to <paramref name="onLine"/>.</summary>
    public async Task ReadAsync(Action<TlsChatMember, int, long, long> onLine)
    {
        var input = Connection.Input;
        while (true)
        {
            var result = await input.ReadAsync();
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            while (reader.TryReadTo(out ReadOnlySpan<byte> line, (byte)'\n'))
            {
                if (ChatLine.TryParse(line, out var sender, out var sequence, out var sendTicks))
                {
                    onLine(this, sender, sequence, sendTicks);
                }
            }

            // A line longer than any of ours is not one of ours: drop it rather than buffer it.
            input.AdvanceTo(buffer.Length - reader.Consumed > MaxLine ? buffer.End : reader.Position, buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
