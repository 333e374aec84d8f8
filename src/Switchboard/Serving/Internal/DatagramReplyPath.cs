using Microsoft.Extensions.Logging;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>
/// Sends datagram replies through a listener's socket after the reply guard agrees. With a <see cref="DatagramBatch"/>
/// (the batched loop, <see cref="ServerCore.DatagramLoopAsync"/>), a reply made on the loop while a batch is being
/// handled is queued, and the batch's replies leave in one sendmmsg at <see cref="Flush"/>; any other reply (another
/// thread, no batch open) is sent at once. The guard decides at the call either way, in the same order.
/// </summary>
internal sealed class DatagramReplyPath(SocketIO io, ServerCore core, Listener listener, ILogger logger, LogThrottle throttle, DatagramBatch? batch = null) : IDatagramReplier
{
    /// <summary>The metric reason of a reply the socket had no room for.</summary>
    public const string BufferFull = "buffer_full";

    /// <summary>The metric reason of a batched reply the kernel refused (an unreachable Unix peer, a gone path).</summary>
    public const string SendFailed = "send_failed";

    private readonly Datagram?[] _queuedFor = new Datagram?[batch?.Capacity ?? 0];
    private bool _collecting; // on the loop thread only: a batch is being handed to the handler

    /// <summary>Replies made on the loop from now on are queued (the loop is about to hand a batch to the handler).</summary>
    public void BeginBatch() => _collecting = true;

    /// <summary>Sends what the batch queued and stops queueing.</summary>
    public void EndBatch()
    {
        Flush();
        _collecting = false;
    }

    public ValueTask<bool> ReplyAsync(Datagram request, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var refusal = core.Guard.Refuse(request, out var isLocal);
        if (refusal is not null)
        {
            Dropped(request, refusal, isLocal);
            return new(false);
        }

        if (batch is not null && _collecting && io is ReadinessSocketIO { Loop.IsOnLoopThread: true } && DatagramBatch.FitsQueue(payload.Length))
        {
            if (!Queue(request, payload))
            {
                Flush(); // queue or arena full: send what is there, then this one fits
                Queue(request, payload);
            }

            return new(true);
        }

        return SendNowAsync(request, payload, cancellationToken);
    }

    /// <summary>Sends the queued replies (one sendmmsg, more only after a refusal) and counts each one's fate.</summary>
    public void Flush()
    {
        if (batch is null || batch.Queued == 0)
        {
            return;
        }

        var readiness = (ReadinessSocketIO)io;
        var start = 0;
        try
        {
            while (start < batch.Queued)
            {
                var sent = readiness.SendBatch(batch, start);
                for (var i = 0; i < sent; i++)
                {
                    core.Metrics.DatagramSent();
                }

                if (sent > 0)
                {
                    start += sent;
                    continue;
                }

                // The kernel refused the first of the rest: that one is dropped, the others still go (udp_echo drops
                // the rest of its batch; one full Unix peer must not cost everyone behind it their replies).
                Dropped(_queuedFor[start]!, LinuxSocketCalls.IsWouldBlock(-sent) ? BufferFull : SendFailed, isLocal: false);
                start++;
            }
        }
        catch (System.Net.Sockets.SocketException)
        {
            // The listener closed under the batch (the server is stopping): the rest will not be sent.
            for (; start < batch.Queued; start++)
            {
                core.Metrics.DatagramDropped(SendFailed);
            }
        }
        finally
        {
            Array.Clear(_queuedFor, 0, batch.Queued);
            batch.ClearQueue();
        }
    }

    private bool Queue(Datagram request, ReadOnlyMemory<byte> payload)
    {
        var index = batch!.Queued;
        if (!batch.TryQueue(payload, request.SenderAddress))
        {
            return false;
        }

        _queuedFor[index] = request;
        return true;
    }

    private async ValueTask<bool> SendNowAsync(Datagram request, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (await io.SendToAsync(payload, request.SenderAddress, cancellationToken))
        {
            core.Metrics.DatagramSent();
            return true;
        }

        Dropped(request, BufferFull, isLocal: false);
        return false;
    }

    private void Dropped(Datagram request, string refusal, bool isLocal)
    {
        core.Metrics.DatagramDropped(refusal);
        if (throttle.ShouldLog(ThrottleKey(refusal)))
        {
            LogRefusal(request, refusal, isLocal);
        }
    }

    // Constant keys: a flood of refused datagrams must not allocate a string each.
    private static string ThrottleKey(string refusal) => refusal switch
    {
        DatagramReplyGuard.RateLimited => "reply:rate_limited",
        DatagramReplyGuard.SourcesFull => "reply:sources_full",
        "loop_guard" => "reply:loop_guard",
        "unaddressable" => "reply:unaddressable",
        BufferFull => "reply:buffer_full",
        SendFailed => "reply:send_failed",
        _ => "reply:" + refusal,
    };

    private void LogRefusal(Datagram request, string refusal, bool isLocal)
    {
        var peer = request.RemoteText;
        var endpoint = listener.Endpoint.ToString();
        switch (refusal)
        {
            case DatagramReplyGuard.RateLimited when isLocal:
                ServerLog.LocalDatagramReplyLimited(logger, peer, endpoint);
                break;
            case DatagramReplyGuard.RateLimited:
                ServerLog.DatagramReplyLimited(logger, peer, endpoint);
                break;
            case DatagramReplyGuard.SourcesFull:
                ServerLog.DatagramSourcesFull(logger, peer, endpoint);
                break;
            default:
                ServerLog.DatagramReplyRefused(logger, peer, endpoint, refusal);
                break;
        }
    }
}
