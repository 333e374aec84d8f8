using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The one place socket errors on an established stream connection become the library's exceptions (see
/// <see cref="ConnectionException"/> and docs/architecture.md, "Error model"). The pipes and
/// <see cref="Connection.WaitForInputAsync"/> call it, so a handler never sees a raw <see cref="SocketException"/>.
/// </summary>
internal static class ConnectionFailures
{
    /// <summary>
    /// The library's exception for <paramref name="error"/>, a failed call on <paramref name="connection"/>; null
    /// when it is no connection failure and goes to the caller as it is (the caller's own token, a misuse).
    /// </summary>
    public static ConnectionException? Map(Exception error, Connection connection)
    {
        if (error is ConnectionException)
        {
            return null;
        }

        // SslStream reports its transport's failure as an IOException around the SocketException: the same loss.
        var socketError = (error as SocketException ?? (error as IOException)?.InnerException as SocketException)?.SocketErrorCode;

        // Closed under the call by this side (a disposed socket, the loop's or the kernel's OperationAborted), or
        // anything at all once this side has aborted: the call's own token firing, even the reset our RST provoked.
        // A canceled call on a live connection is the caller's own business.
        if (error is ObjectDisposedException
            || socketError is { } local && IsLocalAbort(local)
            || connection.Aborted.IsCancellationRequested && (socketError is not null || error is OperationCanceledException))
        {
            return Aborted(connection, error);
        }

        return socketError switch
        {
            null => null,
            { } reset when IsPeerReset(reset) => new ConnectionResetException("connection reset by peer", error),
            SocketError.TimedOut => new ConnectionTimedOutException("connection timed out: the peer stopped answering", error),
            _ => new ConnectionException($"connection failed: {error.Message}", CloseReason.Error, error),
        };
    }

    /// <summary>
    /// The peer is gone: it reset the connection (ECONNRESET), a send found it gone (EPIPE, which .NET reports as
    /// <see cref="SocketError.Shutdown"/>), the kernel dropped the connection (ECONNABORTED), or it is no longer
    /// connected (ENOTCONN).
    /// </summary>
    public static bool IsPeerReset(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.Shutdown or SocketError.ConnectionAborted or SocketError.NotConnected;

    /// <summary>This side closed the socket under a pending call (ECANCELED / EINTR from a close or an abort).</summary>
    public static bool IsLocalAbort(SocketError error) => error is SocketError.OperationAborted or SocketError.Interrupted;

    /// <summary>The exception for a call on <paramref name="connection"/> after this side aborted it.</summary>
    public static ConnectionAbortedException Aborted(Connection connection, Exception? error)
    {
        var reason = connection.Reason ?? CloseReason.Error;
        return new ConnectionAbortedException($"connection aborted by this side ({reason.ToName()})", reason, error);
    }
}
