using Microsoft.Extensions.Logging;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>Sends datagram replies through a listener's socket after the reply guard agrees.</summary>
internal sealed class DatagramReplyPath(SocketIO io, ServerCore core, Listener listener, ILogger logger, LogThrottle throttle) : IDatagramReplier
{
    public async ValueTask<bool> ReplyAsync(Datagram request, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var refusal = core.Guard.Refuse(request);
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
        if (throttle.ShouldLog("reply:" + refusal))
        {
            ServerLog.DatagramReplyRefused(logger, request.RemoteText, listener.Endpoint.ToString(), refusal);
        }

        return false;
    }
}
