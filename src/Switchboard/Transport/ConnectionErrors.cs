using System.Net.Sockets;

namespace Switchboard.Transport;

/// <summary>
/// Tells a handler which exceptions from <see cref="Connection.Input"/> and <see cref="Connection.Output"/> mean
/// "the connection is gone" (the peer reset it, or it was aborted) rather than a fault of the handler.
/// </summary>
public static class ConnectionErrors
{
    /// <summary>
    /// True when <paramref name="exception"/> says the peer went away or the socket was torn down (reset, aborted,
    /// shut down, disposed): a normal end of a connection, not a failure to report.
    /// </summary>
    public static bool IsDisconnect(Exception exception) => exception switch
    {
        SocketException s => s.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            or SocketError.OperationAborted or SocketError.Interrupted or SocketError.NotConnected,
        ObjectDisposedException => true,
        IOException { InnerException: { } inner } => IsDisconnect(inner),
        _ => false,
    };
}
