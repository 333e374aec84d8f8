using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>Datagram listeners served in batches on an event loop (Linux): recvmmsg in, the handler, sendmmsg out.</summary>
internal sealed partial class ServerCore
{
    private const string TruncatedMessage = "a datagram over 65,536 bytes was cut to fit the buffer; dropped";

    /// <summary>True when <paramref name="io"/> serves its datagrams in batches (<see cref="TransportOptions.DatagramBatchSize"/>).</summary>
    private bool ServesInBatches(SocketIO io, Func<Func<ValueTask>, ValueTask>? gate) =>
        gate is null && io is ReadinessSocketIO { SupportsBatches: true } && _options.Transport.DatagramBatchSize > 1;

    /// <summary>
    /// The batched receive loop, on the listener's loop thread: one recvmmsg takes what is queued (up to the batch),
    /// each datagram goes to the handler in turn, and the replies they made leave together in one sendmmsg — before
    /// the next receive, which reuses the slots (and so the <see cref="Datagram"/> objects and the bytes of an echo's
    /// replies). A handler that does not complete at once has the replies so far sent first, then is awaited.
    /// </summary>
    private async Task BatchedDatagramLoopAsync(Listener listener, ReadinessSocketIO io)
    {
        var batch = new DatagramBatch(_options.Transport.DatagramBatchSize, listener.Socket.AddressFamily);
        var replier = new DatagramReplyPath(io, this, listener, _logger, _throttle, batch);
        var datagrams = new Datagram[batch.Capacity];
        for (var i = 0; i < datagrams.Length; i++)
        {
            datagrams[i] = new Datagram(ReadOnlyMemory<byte>.Empty, batch.Sender(i), listener.Endpoint, replier);
        }

        while (!Stopping.IsCancellationRequested)
        {
            int received;
            try
            {
                await io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
                received = io.TryReceiveBatch(batch);
            }
            catch (Exception e) when (IsListenerClosed(e))
            {
                return;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                // An error queued on the socket (an ICMP error for an earlier reply): reported once, the next goes on.
                if (_throttle.ShouldLog("receive"))
                {
                    ServerLog.ReceiveFailed(_logger, listener.Endpoint.ToString(), e.Message);
                }

                continue;
            }

            replier.BeginBatch();
            try
            {
                for (var i = 0; i < received; i++)
                {
                    if (batch.IsTruncated(i))
                    {
                        // As the one-at-a-time path: the managed receive fails with MessageSize for it.
                        if (_throttle.ShouldLog("receive"))
                        {
                            ServerLog.ReceiveFailed(_logger, listener.Endpoint.ToString(), TruncatedMessage);
                        }

                        continue;
                    }

                    Metrics.DatagramReceived();
                    var datagram = datagrams[i];
                    datagram.Reuse(batch.Payload(i));
                    var handled = HandleDatagramAsync(datagram);
                    if (handled.IsCompletedSuccessfully)
                    {
                        continue;
                    }

                    replier.Flush();
                    await handled;
                }
            }
            finally
            {
                replier.EndBatch();
            }
        }
    }
}
