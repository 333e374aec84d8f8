using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The failures of another transport's pipes (Kestrel's) as the library's <see cref="ConnectionException"/> family,
/// so that a handler over a <see cref="PipeConnection"/> catches what it catches on a Switchboard socket. In order:
/// a socket error anywhere in a chain of <see cref="IOException"/>s (Kestrel's reset wraps the
/// <see cref="SocketException"/>; <c>UseHttps</c>' <c>SslStream</c> wraps that again), as
/// <see cref="ConnectionFailures"/> maps it; anything after this side aborted; then what the transport's own
/// <see cref="PipeConnectionOptions.ClassifyFailure"/> recognises. Anything else goes to the caller as it is.
/// </summary>
internal static class PipeFailures
{
    public static Exception Map(Exception error, Connection connection, Func<Exception, CloseReason?>? classify)
    {
        if (error is ConnectionException)
        {
            return error;
        }

        if (ConnectionFailures.Map(InnermostSocketError(error) ?? error, connection) is { } mapped)
        {
            return mapped;
        }

        return classify?.Invoke(error) switch
        {
            CloseReason.PeerReset => new ConnectionResetException("connection reset by peer", error),
            CloseReason.TimedOut => new ConnectionTimedOutException("connection timed out: the peer stopped answering", error),
            { } reason => new ConnectionAbortedException($"connection closed by the transport ({reason.ToName()})", reason, error),
            null => error,
        };
    }

    /// <summary>The <see cref="SocketException"/> at the bottom of a chain of <see cref="IOException"/>s, if there is one.</summary>
    private static SocketException? InnermostSocketError(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException socket)
            {
                return socket;
            }

            if (e is not IOException)
            {
                return null;
            }
        }

        return null;
    }
}
