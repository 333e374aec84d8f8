using System.IO.Pipelines;

namespace Switchboard.Cli.Relay;

/// <summary>
/// Stdin to a stream peer and the peer to stdout, at once, under the EOF policy of <see cref="EofPolicy"/>:
/// stdin EOF half-closes and keeps printing until the peer closes (or <c>-q</c> runs out); peer EOF stops the
/// printing and lets piped stdin run to its end (the peer may have only half-closed), a terminal session ends at once.
/// </summary>
internal static class StreamRelay
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Runs until an outcome; a network failure (reset) is thrown as the socket's exception.</summary>
    public static async Task<RelayOutcome> RunAsync(
        PipeReader fromPeer,
        PipeWriter toPeer,
        Func<ValueTask> halfClose,
        IStdinSource stdin,
        IOutputSink stdout,
        RelayOptions options,
        CancellationToken stop)
    {
        var clock = new ActivityClock();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var forever = Task.Delay(Timeout.InfiniteTimeSpan, done.Token);
        var receiving = options.Receive ? PrintAsync(fromPeer, stdout, clock, done.Token) : DiscardAsync(fromPeer, clock, done.Token);
        var sending = options.Send ? SendAsync(stdin, toPeer, clock, done.Token) : forever;
        var idle = options.Idle is { } limit ? clock.QuietForAsync(limit, done.Token) : forever;
        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stop);
        try
        {
            var first = await Task.WhenAny(receiving, sending, idle, stopped);
            if (first == receiving)
            {
                await receiving; // a reset throws here
                if (!options.Send || options.StdinIsTerminal)
                {
                    return RelayOutcome.PeerClosed; // nothing typed is pending: a terminal session ends with the peer
                }

                // Peer EOF may be a half-close by a peer that still reads (nc -N): stdin goes on to its end.
                first = await Task.WhenAny(sending, idle, stopped);
                if (first == sending)
                {
                    return RelayOutcome.PeerClosed; // stdin ended, or a send failed because the peer has gone entirely
                }

                return first == idle ? RelayOutcome.Idle : RelayOutcome.Stopped;
            }

            if (first == sending)
            {
                if (sending.IsFaulted)
                {
                    if (!await EndedCleanlyAsync(receiving))
                    {
                        await sending; // the peer reset the connection while we sent: throw that
                    }

                    return RelayOutcome.PeerClosed;
                }

                if (options.HalfClose)
                {
                    await halfClose();
                }

                if (!options.Receive)
                {
                    return RelayOutcome.SendOnlyDone;
                }

                var quit = options.QuitAfterStdinEof is { } q ? Task.Delay(q, done.Token) : forever;
                first = await Task.WhenAny(receiving, idle, stopped, quit);
                if (first == quit)
                {
                    return RelayOutcome.QuitAfterStdinEof;
                }

                if (first == receiving)
                {
                    await receiving;
                    return RelayOutcome.PeerClosed;
                }
            }

            return first == idle ? RelayOutcome.Idle : RelayOutcome.Stopped;
        }
        finally
        {
            await done.CancelAsync();
        }
    }

    /// <summary>True when the peer's stream ended (FIN) soon after a failed send: it closed first, so no error.</summary>
    private static async Task<bool> EndedCleanlyAsync(Task receiving)
    {
        await Task.WhenAny(receiving, Task.Delay(TimeSpan.FromSeconds(1)));
        return receiving.IsCompletedSuccessfully;
    }

    private static async Task PrintAsync(PipeReader input, IOutputSink output, ActivityClock clock, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    clock.Touch();
                    await output.WriteAsync(buffer, cancellationToken);
                }

                input.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    return;
                }
            }
        }
        finally
        {
            await output.CompleteAsync();
        }
    }

    private static async Task DiscardAsync(PipeReader input, ActivityClock clock, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken);
            if (!result.Buffer.IsEmpty)
            {
                clock.Touch();
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                return;
            }
        }
    }

    private static async Task SendAsync(IStdinSource stdin, PipeWriter output, ActivityClock clock, CancellationToken cancellationToken)
    {
        var buffer = new byte[ChunkSize];
        int n;
        while ((n = await stdin.ReadAsync(buffer, cancellationToken)) > 0)
        {
            clock.Touch();
            await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
    }
}
