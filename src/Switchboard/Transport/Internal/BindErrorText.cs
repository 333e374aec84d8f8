using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Why a bind failed, in words about what the user asked for: a Unix path's problems are about its directory, an
/// IP port's about ports; running out of descriptors names the limit reached.
/// </summary>
internal static class BindErrorText
{
    public static string Describe(EndpointUri endpoint, SocketException e)
    {
        var unixPath = endpoint.Kind.IsUnix() && !endpoint.IsAbstract ? endpoint.Path : null;
        var directory = unixPath is null ? null : Path.GetDirectoryName(unixPath);
        return e.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse => "address already in use",
            SocketError.TooManyOpenSockets => DescriptorLimit.Describe(),
            SocketError.AccessDenied when directory is not null =>
                $"permission denied: this user may not create a socket file in {directory} (it needs write and search permission there)",
            // Linux says ENOENT for a path whose directory is missing, and .NET maps that to "address not available".
            _ when directory is not null && !Directory.Exists(directory) => $"directory {directory} does not exist",
            SocketError.AccessDenied when endpoint.Port is > 0 and < 1024 =>
                "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
            SocketError.AccessDenied => "permission denied",
            SocketError.AddressNotAvailable => "address not available on this host",
            _ => e.Message,
        };
    }
}
