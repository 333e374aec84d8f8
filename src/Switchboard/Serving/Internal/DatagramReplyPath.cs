using Microsoft.Extensions.Logging;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>Sends datagram replies through a listener's socket after the reply guard agrees.</summary>
internal sealed class DatagramReplyPath(SocketIO io, ServerCore core, Listener listener, ILogger logger, LogThrottle throttle) : IDatagramReplier
{
    public async ValueTask<bool> ReplyAsync(Datagram request, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var refusal = core.Guard.Refuse(request, out var isLocal);
        if (refusal is null)
        {
            if (await io.SendToAsync(payload, request.SenderAddress, cancellationToken))
            {
                core.Metrics.DatagramSent();
                return true;
            }

            refusal = "buffer_full";
        }

        core.Metrics.DatagramDropped(refusal);
        if (throttle.ShouldLog(ThrottleKey(refusal)))
        {
            LogRefusal(request, refusal, isLocal);
        }

        return false;
    }

    // Constant keys: a flood of refused datagrams must not allocate a string each.
    private static string ThrottleKey(string refusal) => refusal switch
    {
        DatagramReplyGuard.RateLimited => "reply:rate_limited",
        DatagramReplyGuard.SourcesFull => "reply:sources_full",
        "loop_guard" => "reply:loop_guard",
        "unaddressable" => "reply:unaddressable",
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
