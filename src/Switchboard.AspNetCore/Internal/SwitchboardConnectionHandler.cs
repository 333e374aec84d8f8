using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Logging;
using Switchboard.Endpoints;
using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.AspNetCore.Internal;

/// <summary>
/// One listener's Switchboard handler as the end of Kestrel's connection pipeline: each connection becomes a
/// <see cref="PipeConnection"/> over the transport's pipes (decrypted already when <c>UseHttps</c> runs first), the
/// handler serves it, and the outcome is logged once with its close reason. The accept → handle → finish of a
/// Switchboard server's <c>ServerCore</c>, less what Kestrel does itself (accepting, limits, metrics, the drain).
/// </summary>
internal sealed class SwitchboardConnectionHandler
{
    private readonly IStreamHandler _handler;
    private readonly string _serviceName;
    private readonly ILogger _logger;
    private readonly CancellationToken _applicationStopping;
    private readonly KestrelHeartbeat _heartbeat;
    private long _lastId;

    public SwitchboardConnectionHandler(IStreamHandler handler, string serviceName, ILogger logger, CancellationToken applicationStopping)
    {
        _handler = handler;
        _serviceName = serviceName;
        _logger = logger;
        _applicationStopping = applicationStopping;
        _heartbeat = new KestrelHeartbeat(logger);
    }

    /// <summary>Serves <paramref name="context"/> to its end. Never throws: a handler's failure is logged and ends its connection only.</summary>
    public async Task OnConnectedAsync(ConnectionContext context)
    {
        var closeRequested = context.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? CancellationToken.None;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(_applicationStopping, closeRequested);
        var tls = context.Features.Get<ITlsHandshakeFeature>() is not null;
        var pipe = new PipeConnection(context.Transport, new PipeConnectionOptions
        {
            Id = Interlocked.Increment(ref _lastId),
            LocalEndpoint = LocalEndpoint(context.LocalEndPoint, tls),
            RemoteEndPoint = context.RemoteEndPoint,
            Abort = () => context.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("aborted by the Switchboard handler")),
            ServerStopping = stopping.Token,
            Socket = context.Features.Get<IConnectionSocketFeature>()?.Socket,
            ClassifyFailure = e => KestrelFailure(e, stopping.Token),
        });
        var connection = pipe.Connection;
        KestrelLog.ConnectionAccepted(_logger, connection.Id, connection.RemoteText, connection.LocalEndpoint, _serviceName, context.ConnectionId);
        _heartbeat.Add(pipe);
        try
        {
            await RunAsync(pipe);
        }
        finally
        {
            _heartbeat.Remove(pipe);
            var reason = (pipe.CloseReason ?? CloseReason.Completed).ToName();
            KestrelLog.ConnectionClosed(_logger, connection.Id, connection.RemoteText, reason);
        }
    }

    /// <summary>The endpoint as Switchboard writes it; <c>tls://</c> behind <c>UseHttps</c>.</summary>
    private static EndpointUri LocalEndpoint(EndPoint? local, bool tls) => local switch
    {
        IPEndPoint ip => EndpointUri.ForIp(tls ? TransportKind.Tls : TransportKind.Tcp, ip.Address, ip.Port),
        UnixDomainSocketEndPoint unix => EndpointUri.FromEndPoint(TransportKind.Unix, unix),
        // A transport with endpoints of its own kind (a named pipe, an in-memory test transport): no address to give.
        _ => EndpointUri.ForIp(TransportKind.Tcp, IPAddress.Any, 0),
    };

    private async Task RunAsync(PipeConnection pipe)
    {
        var connection = pipe.Connection;
        try
        {
            await _handler.HandleAsync(connection, connection.Aborted);
            await connection.Output.FlushAsync();
            connection.TrySetCloseReason(CloseReason.Completed);

            // Completing the output ends the connection: Kestrel sends what is left and closes the socket.
            await connection.Output.CompleteAsync();
        }
        catch (Exception e) when (LostReason(e, connection) is { } reason)
        {
            // Mapped here, for Kestrel's exceptions are not the library's; a reason recorded already (an abort of
            // this side's) wins and is not logged again.
            if (connection.TrySetCloseReason(reason))
            {
                var name = reason.ToName();
                KestrelLog.ConnectionLost(_logger, connection.Id, connection.RemoteText, name);
            }
        }
        catch (FramingException e) when (e.FromPeer)
        {
            // The client broke the framing: its fault, not the handler's. One warning, no stack trace.
            if (connection.TrySetCloseReason(CloseReason.Limit))
            {
                KestrelLog.OverLimit(_logger, connection.Id, connection.RemoteText, e.Message);
            }

            connection.Abort();
        }
        catch (Exception e)
        {
            if (connection.TrySetCloseReason(CloseReason.Error))
            {
                KestrelLog.HandlerFailed(_logger, connection.Id, connection.RemoteText, _serviceName, e.Message, e);
            }

            connection.Abort();
        }
    }

    /// <summary>
    /// Kestrel's exceptions for a lost connection, for the reads and writes to throw the library's instead: its reset
    /// (behind <c>UseHttps</c>, inside the <c>SslStream</c>'s <see cref="IOException"/>) is the peer's; its abort is the
    /// drain's while the server stops, else an error. Null for anything else: the handler's own failure.
    /// </summary>
    private static CloseReason? KestrelFailure(Exception e, CancellationToken stopping)
    {
        for (var cause = e; cause is not null; cause = cause.InnerException)
        {
            switch (cause)
            {
                case Microsoft.AspNetCore.Connections.ConnectionResetException:
                    return CloseReason.PeerReset;
                case Microsoft.AspNetCore.Connections.ConnectionAbortedException:
                    return stopping.IsCancellationRequested ? CloseReason.Drain : CloseReason.Error;
                case IOException:
                    continue;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>
    /// Why the connection ended under the handler, when it did: the library's own exceptions carry it; Kestrel's reset
    /// (an <see cref="IOException"/>) is the peer's; Kestrel's abort (an <see cref="OperationCanceledException"/>),
    /// or any cancellation once the connection was aborted, is the drain's while the server stops, else an error.
    /// Null for a failure of the handler's own.
    /// </summary>
    private static CloseReason? LostReason(Exception e, Connection connection) => e switch
    {
        Transport.ConnectionException lost => lost.Reason,
        Microsoft.AspNetCore.Connections.ConnectionResetException => CloseReason.PeerReset,
        Microsoft.AspNetCore.Connections.ConnectionAbortedException or OperationCanceledException
            when connection.Aborted.IsCancellationRequested || e is Microsoft.AspNetCore.Connections.ConnectionAbortedException =>
            connection.ServerStopping.IsCancellationRequested ? CloseReason.Drain : CloseReason.Error,
        _ => null,
    };
}
