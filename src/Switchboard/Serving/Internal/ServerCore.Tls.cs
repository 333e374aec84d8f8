using Switchboard.Security.Internal;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>
/// TLS: a tls:// connection's I/O goes through <see cref="TlsSocketIO"/>, and its handshake runs before the
/// handler, with a deadline, while the connection already holds its slot (it was admitted like any other).
/// </summary>
internal sealed partial class ServerCore
{
    /// <summary>The certificate and settings of the tls:// listeners; null when the server has none.</summary>
    public TlsServerCredentials? Tls { get; init; }

    private static SocketIO WrapForListener(SocketIO io, Listener listener) =>
        listener.Kind == Endpoints.TransportKind.Tls ? new TlsSocketIO(io) : io;

    /// <summary>Runs the server side of the handshake; false (logged once, reason recorded) when it failed.</summary>
    private async ValueTask<bool> HandshakeAsync(Connection connection)
    {
        if (connection.IO is not TlsSocketIO tls)
        {
            return true;
        }

        var timeout = Tls!.HandshakeTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(connection.Aborted);
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(timeout);
        }

        // A blocking receive (threads, sequential) does not see a token: the abort is what wakes it.
        using var wake = deadline.Token.Register(static state => ((Connection)state!).Abort(CloseReason.TlsHandshake), connection);
        try
        {
            await tls.AuthenticateAsServerAsync(Tls.Current, deadline.Token);
            wake.Dispose(); // done: a deadline that fires from now on must not abort a healthy connection
            if (_logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
            {
                TlsLog.Handshaken(_logger, connection.Id, connection.RemoteText, tls.Stream.SslProtocol.ToString(), tls.Stream.NegotiatedCipherSuite.ToString(), tls.Stream.NegotiatedApplicationProtocol.ToString());
            }

            return true;
        }
        catch (Exception e)
        {
            var timedOut = deadline.IsCancellationRequested && !connection.Aborted.IsCancellationRequested || connection.Reason == CloseReason.TlsHandshake;
            var ours = connection.TrySetReason(CloseReason.TlsHandshake) || connection.Reason == CloseReason.TlsHandshake;
            if (ours && _throttle.ShouldLog("tls-handshake"))
            {
                var reason = timedOut ? $"no handshake within {timeout.TotalSeconds:0.###} s" : TlsFailureText.Describe(e);
                TlsLog.HandshakeFailed(_logger, connection.RemoteText, connection.LocalEndpoint.ToString(), reason);
            }

            return false;
        }
    }
}
