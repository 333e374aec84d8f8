using System.Buffers;
using Switchboard.Client;

namespace Switchboard.Cli.Relay;

/// <summary>
/// <c>connect</c> over udp or unixgram: stdin lines (or chunks) out as datagrams, replies printed as they come; after
/// stdin EOF, a quiet spell of <see cref="RelayOptions.DatagramWait"/> with no reply ends it. At the end one line on
/// stderr counts what went and came back, when fewer replies came than datagrams went (or with <c>-v</c>): UDP
/// loses datagrams silently, and a server may limit its replies per source.
/// </summary>
internal static class DatagramRelay
{
    public static async Task<RelayOutcome> RunAsync(DatagramClient client, IStdinSource stdin, IOutputSink stdout, RelayOptions options, CancellationToken stop)
    {
        var counts = new Counts();
        var outcome = await RunCoreAsync(client, stdin, stdout, options, counts, stop);
        if ((outcome != RelayOutcome.Idle || options.Verbose) && Summary(counts.Sent, counts.Received, options) is { } line) // --idle's error is the one line
        {
            Console.Error.WriteLine(line);
        }

        return outcome;
    }

    /// <summary>
    /// The closing line, or null for none. "No reply" is a count, not a pairing: datagrams carry no request ids, and
    /// a service need not answer one for one (discard never does; one that answers twice makes up for a loss). So
    /// only fewer replies than sends is worth a word without <c>-v</c>.
    /// </summary>
    internal static string? Summary(long sent, long received, RelayOptions options)
    {
        var line = $"switchboard: sent {sent} datagram{(sent == 1 ? "" : "s")}, received {received}";
        if (options.Receive && received < sent)
        {
            return $"{line}; {sent - received} got no reply";
        }

        return options.Verbose ? line : null;
    }

    private static async Task<RelayOutcome> RunCoreAsync(DatagramClient client, IStdinSource stdin, IOutputSink stdout, RelayOptions options, Counts counts, CancellationToken stop)
    {
        var clock = new ActivityClock();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var forever = Task.Delay(Timeout.InfiniteTimeSpan, done.Token);
        var receiving = ReceiveAsync(client, stdout, options.Receive, clock, counts, done.Token);
        var sending = options.Send ? SendAsync(client, stdin, options, clock, counts, done.Token) : forever;
        var idle = options.Idle is { } limit ? clock.QuietForAsync(limit, done.Token) : forever;
        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stop);
        try
        {
            var first = await Task.WhenAny(receiving, sending, idle, stopped);
            if (first == sending)
            {
                await sending; // a refused send throws here
                if (!options.Receive)
                {
                    return RelayOutcome.SendOnlyDone;
                }

                clock.Touch(); // the quiet spell starts at stdin EOF
                var quiet = clock.QuietForAsync(options.DatagramWait, done.Token);
                var quit = options.QuitAfterStdinEof is { } q ? Task.Delay(q, done.Token) : forever;
                first = await Task.WhenAny(receiving, quiet, quit, stopped);
                if (first == quiet || first == quit)
                {
                    return RelayOutcome.QuitAfterStdinEof;
                }
            }

            if (first == receiving)
            {
                await receiving; // only ends by failing: refused
            }

            return first == idle ? RelayOutcome.Idle : RelayOutcome.Stopped;
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    private static async Task ReceiveAsync(DatagramClient client, IOutputSink stdout, bool print, ActivityClock clock, Counts counts, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await client.ReceiveAsync(buffer, cancellationToken);
            clock.Touch();
            counts.AddReceived();
            if (print)
            {
                await stdout.WriteAsync(new ReadOnlySequence<byte>(buffer, 0, n), cancellationToken);
            }
        }
    }

    private static async Task SendAsync(DatagramClient client, IStdinSource stdin, RelayOptions options, ActivityClock clock, Counts counts, CancellationToken cancellationToken)
    {
        var splitter = new DatagramSplitter(options.DatagramPerChunk, DatagramClient.MaxUdpPayload);
        var buffer = new byte[DatagramClient.MaxUdpPayload];
        int n;
        while ((n = await stdin.ReadAsync(buffer, cancellationToken)) > 0)
        {
            foreach (var datagram in splitter.Push(buffer.AsSpan(0, n)))
            {
                clock.Touch();
                await client.SendAsync(datagram, cancellationToken);
                counts.AddSent();
            }
        }

        if (splitter.Flush() is { } last)
        {
            clock.Touch();
            await client.SendAsync(last, cancellationToken);
            counts.AddSent();
        }
    }

    /// <summary>Datagrams sent and received; the two loops run on different threads.</summary>
    private sealed class Counts
    {
        private long _sent;
        private long _received;

        public long Sent => Interlocked.Read(ref _sent);

        public long Received => Interlocked.Read(ref _received);

        public void AddSent() => Interlocked.Increment(ref _sent);

        public void AddReceived() => Interlocked.Increment(ref _received);
    }
}
