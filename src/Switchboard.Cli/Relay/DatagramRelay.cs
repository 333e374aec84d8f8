using System.Buffers;
using Switchboard.Client;

namespace Switchboard.Cli.Relay;

/// <summary>
/// <c>connect</c> over udp or unixgram: stdin lines (or chunks) out as datagrams, replies printed as they come; after
/// stdin EOF, a quiet spell of <see cref="RelayOptions.DatagramWait"/> with no reply ends it.
/// </summary>
internal static class DatagramRelay
{
    public static async Task<RelayOutcome> RunAsync(DatagramClient client, IStdinSource stdin, IOutputSink stdout, RelayOptions options, CancellationToken stop)
    {
        var clock = new ActivityClock();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var forever = Task.Delay(Timeout.InfiniteTimeSpan, done.Token);
        var receiving = ReceiveAsync(client, stdout, options.Receive, clock, done.Token);
        var sending = options.Send ? SendAsync(client, stdin, options, clock, done.Token) : forever;
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

    private static async Task ReceiveAsync(DatagramClient client, IOutputSink stdout, bool print, ActivityClock clock, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await client.ReceiveAsync(buffer, cancellationToken);
            clock.Touch();
            if (print)
            {
                await stdout.WriteAsync(new ReadOnlySequence<byte>(buffer, 0, n), cancellationToken);
            }
        }
    }

    private static async Task SendAsync(DatagramClient client, IStdinSource stdin, RelayOptions options, ActivityClock clock, CancellationToken cancellationToken)
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
            }
        }

        if (splitter.Flush() is { } last)
        {
            clock.Touch();
            await client.SendAsync(last, cancellationToken);
        }
    }
}
