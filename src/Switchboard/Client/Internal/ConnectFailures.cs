using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Client.Internal;

/// <summary>Classifies socket errors once, into the typed exceptions of <see cref="SocketClient"/>.</summary>
internal static class ConnectFailures
{
    public static ClientConnectException From(EndpointUri endpoint, SocketError error, Exception cause, string? tried = null)
    {
        var suffix = tried is null ? "" : $" (tried {tried})";
        var prefix = $"cannot connect to {endpoint}";
        return error switch
        {
            SocketError.ConnectionRefused when endpoint.Kind.IsStream() =>
                new ConnectionRefusedException(endpoint, $"{prefix}: connection refused{suffix}", cause),
            SocketError.ConnectionRefused when endpoint.Kind == TransportKind.Udp =>
                new ConnectionRefusedException(endpoint, $"{prefix}: connection refused (port unreachable: nothing listens there){suffix}", cause),
            SocketError.ConnectionRefused =>
                new ConnectionRefusedException(endpoint, $"{prefix}: connection refused (nothing is bound to {endpoint.Path})", cause),
            // ENOENT: connect() to a Unix path where no socket file exists.
            SocketError.AddressNotAvailable when endpoint.Kind.IsUnix() =>
                new ConnectionRefusedException(endpoint, $"{prefix}: no socket at {endpoint.Path}", cause),
            SocketError.TimedOut =>
                new ConnectTimedOutException(endpoint, $"{prefix}: timed out{suffix}", cause),
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown =>
                new HostUnreachableException(endpoint, $"{prefix}: {Unreachable(error)}{suffix}", cause),
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain =>
                new HostNotFoundException(endpoint, $"{prefix}: host '{endpoint.Host}' not found", cause),
            SocketError.AccessDenied =>
                new ClientConnectException(endpoint, $"{prefix}: permission denied{suffix}", cause),
            _ => new ClientConnectException(endpoint, $"{prefix}: {cause.Message}{suffix}", cause),
        };
    }

    public static ClientConnectException TimedOut(EndpointUri endpoint, TimeSpan timeout, string? tried = null)
    {
        var suffix = tried is null ? "" : $" (tried {tried})";
        return new ConnectTimedOutException(
            endpoint, $"cannot connect to {endpoint}: timed out after {Seconds(timeout)}{suffix}", null);
    }

    public static ClientConnectException Lost(EndpointUri endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused or SocketError.AddressNotAvailable => From(endpoint, e.SocketErrorCode, e),
        SocketError.ConnectionReset => new ClientConnectException(endpoint, $"connection to {endpoint} reset by peer", e),
        _ => From(endpoint, e.SocketErrorCode, e),
    };

    private static string Unreachable(SocketError error) => error switch
    {
        SocketError.HostUnreachable => "no route to host",
        SocketError.NetworkDown => "network is down",
        _ => "network is unreachable",
    };

    private static string Seconds(TimeSpan timeout) =>
        timeout.TotalSeconds >= 1
            ? timeout.TotalSeconds.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture) + " s"
            : timeout.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture) + " ms";
}
