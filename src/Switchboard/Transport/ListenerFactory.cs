using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

/// <summary>Binds listeners for endpoints, applying <see cref="TransportOptions"/>.</summary>
internal static partial class ListenerFactory
{
    /// <summary>
    /// Binds <paramref name="endpoint"/>. A wildcard <c>[::]</c> listens dual-stack. A stale Unix socket file (nothing
    /// accepts on it) is replaced; a live one, or a file that is not a socket, is an error.
    /// Throws <see cref="ListenerBindException"/> with a one-line message naming the endpoint. Binding never looks a
    /// name up: the host is an IP address or <c>localhost</c>; resolve any other name first
    /// (<see cref="EndpointUri.ToEndPointAsync"/>), or it is refused.
    /// </summary>
    public static Listener Bind(EndpointUri endpoint, TransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(options);
        if (endpoint.NeedsLookup)
        {
            throw new ListenerBindException(
                $"cannot listen on {endpoint}: '{endpoint.Host}' is a host name; resolve it first, or listen on an IP address or localhost");
        }

        var target = endpoint.ToEndPoint();

        if (endpoint.Kind.IsUnix() && !endpoint.IsAbstract)
        {
            return BindUnixPath(endpoint, options);
        }

        Socket? socket = null;
        try
        {
            // Inside the try: out of descriptors, creating the socket is what fails, and that too is one line.
            socket = CreateSocket(endpoint.Kind, target);
            ApplyBufferSizes(socket, options);
            if (endpoint.Kind.IsTcp())
            {
                SetReuseAddress(socket, options.ReuseAddress);
            }

            socket.Bind(target);
            if (endpoint.Kind.IsTcp() && !options.ReuseAddress)
            {
                // .NET's Bind turns SO_REUSEADDR on for TCP on Linux whatever was set before; turned off again here,
                // the accepted connections inherit "off", and a restart over their TIME_WAIT is refused as asked.
                SetReuseAddress(socket, false);
            }

            if (endpoint.Kind.IsStream())
            {
                socket.Listen(options.Backlog);
            }

            var bound = EndpointUri.FromEndPoint(endpoint.Kind, socket.LocalEndPoint ?? target);
            if (endpoint.Kind.IsUnix())
            {
                bound = endpoint; // an abstract name: keep the caller's spelling
            }

            return new Listener(endpoint, bound, socket, ownedFile: null);
        }
        catch (SocketException e)
        {
            socket?.Dispose();
            throw new ListenerBindException($"cannot listen on {endpoint}: {BindErrorText.Describe(endpoint, e)}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            socket?.Dispose();
            throw new ListenerBindException($"cannot listen on {endpoint}: {e.Message}", e);
        }
    }

    /// <summary>
    /// A Unix socket on a file path, bound outside the runtime's knowledge (see <see cref="UnixPathSocket"/>), with
    /// the file's device and inode recorded so stop removes that file and nothing that replaced it.
    /// </summary>
    private static Listener BindUnixPath(EndpointUri endpoint, TransportOptions options)
    {
        var path = endpoint.Path!;
        Socket? socket = null;
        OwnedSocketFile? ownedFile = null;
        try
        {
            PrepareUnixPath(endpoint);
            socket = UnixPathSocket.Bind(endpoint.Kind == TransportKind.Unix ? SocketType.Stream : SocketType.Dgram, path);
            if (UnixFileType.SocketIdentity(path) is { } identity)
            {
                ownedFile = new OwnedSocketFile(path, identity);
            }

            ApplyBufferSizes(socket, options);
            if (options.UnixSocketMode is { } mode && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, mode);
            }

            if (endpoint.Kind.IsStream())
            {
                socket.Listen(options.Backlog);
            }

            return new Listener(endpoint, endpoint, socket, ownedFile);
        }
        catch (Exception e) when (e is SocketException or IOException or UnauthorizedAccessException)
        {
            ownedFile?.RemoveIfStillOurs();
            socket?.Dispose();
            var reason = e is SocketException s ? BindErrorText.Describe(endpoint, s) : e.Message;
            throw new ListenerBindException($"cannot listen on {endpoint}: {reason}", e);
        }
    }

    private static Socket CreateSocket(TransportKind kind, EndPoint target)
    {
        var socket = kind switch
        {
            TransportKind.Tcp or TransportKind.Tls => new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp),
            TransportKind.Udp => new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp),
            TransportKind.Unix => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
            _ => new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified),
        };

        if (target is IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip && ip.Address.Equals(IPAddress.IPv6Any))
        {
            socket.DualMode = true; // [::] means every interface, IPv4 included
        }

        return socket;
    }

    /// <summary>
    /// Sets <c>SO_REUSEADDR</c> alone. On Linux, .NET's <see cref="SocketOptionName.ReuseAddress"/> also sets
    /// <c>SO_REUSEPORT</c> (dotnet/runtime #36618), which lets a second server bind the same TCP port and silently
    /// take half the connections instead of failing with "address already in use"; so the option is set raw.
    /// </summary>
    private static void SetReuseAddress(Socket socket, bool on)
    {
        if (OperatingSystem.IsLinux())
        {
            const int solSocket = 1;
            const int soReuseAddr = 2;
            socket.SetRawSocketOption(solSocket, soReuseAddr, BitConverter.GetBytes(on ? 1 : 0));
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, on);
        }
    }

    private static void ApplyBufferSizes(Socket socket, TransportOptions options)
    {
        if (options.SendBufferSize is { } send)
        {
            socket.SendBufferSize = send;
        }

        if (options.ReceiveBufferSize is { } receive)
        {
            socket.ReceiveBufferSize = receive;
        }
    }

    private static void PrepareUnixPath(EndpointUri endpoint)
    {
        var path = endpoint.Path!;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return;
        }

        if (!UnixFileType.IsSocket(path))
        {
            throw new ListenerBindException($"cannot listen on {endpoint}: {path} exists and is not a socket; not touching it");
        }

        if (IsLive(endpoint))
        {
            throw new ListenerBindException($"cannot listen on {endpoint}: a live server is already listening on {path}");
        }

        File.Delete(path); // stale: left by a server that died without cleaning up
    }

    private static bool IsLive(EndpointUri endpoint)
    {
        var type = endpoint.Kind == TransportKind.Unix ? SocketType.Stream : SocketType.Dgram;
        using var probe = new Socket(AddressFamily.Unix, type, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(endpoint.Path!));
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionRefused or SocketError.AddressNotAvailable)
        {
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ProtocolType)
        {
            return true; // a live socket of the other type holds the path
        }
    }
}
