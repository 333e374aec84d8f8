using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Client.Internal;
using Switchboard.Endpoints;
using Switchboard.Security.Internal;
using Switchboard.Transport.Internal;

namespace Switchboard.Client;

/// <summary>
/// The client side of every exchange: <see cref="ConnectAsync"/> for tcp and unix streams,
/// <see cref="OpenDatagramAsync"/> for udp and unixgram. Failures are <see cref="ClientConnectException"/>s whose
/// one-line message names the endpoint.
/// </summary>
public static class SocketClient
{
    /// <summary>
    /// Connects to a tcp or unix endpoint. A host name is resolved and its addresses are tried one after another, in
    /// the resolver's order, each for at most <see cref="ClientOptions.ConnectTimeout"/>, until one connects.
    /// </summary>
    /// <exception cref="ConnectionRefusedException">Nothing accepts at the endpoint (every address refused).</exception>
    /// <exception cref="ConnectTimedOutException">No address answered within the timeout.</exception>
    /// <exception cref="HostUnreachableException">No route to the host.</exception>
    /// <exception cref="HostNotFoundException">The name does not resolve.</exception>
    /// <exception cref="TlsHandshakeException">A tls:// endpoint's handshake failed (certificate not trusted, wrong name, expired).</exception>
    /// <exception cref="ClientConnectException">Any other failure (permission denied, source address in use).</exception>
    public static async Task<ClientConnection> ConnectAsync(EndpointUri endpoint, ClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.Kind.IsStream())
        {
            throw new ArgumentException($"{endpoint} is a datagram endpoint; use {nameof(OpenDatagramAsync)}", nameof(endpoint));
        }

        options ??= new ClientOptions();
        options.Validate();
        var targets = await AddressResolver.ResolveAsync(endpoint, options, cancellationToken);
        return await ConnectAnyAsync(endpoint, targets, options, cancellationToken);
    }

    /// <summary>Tries <paramref name="targets"/> in order until one connects; the last failure is thrown.</summary>
    internal static async Task<ClientConnection> ConnectAnyAsync(EndpointUri endpoint, IReadOnlyList<EndPoint> targets, ClientOptions options, CancellationToken cancellationToken)
    {
        var tried = targets.Count > 1 ? string.Join(", ", targets.Select(EndpointText.Format)) : null;
        Func<ClientConnectException>? lastFailure = null;
        foreach (var target in targets)
        {
            var socket = CreateSocket(endpoint.Kind, target);
            try
            {
                if (options.LocalEndPoint is { } local)
                {
                    socket.Bind(LocalFor(local, target));
                }

                using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (options.ConnectTimeout != Timeout.InfiniteTimeSpan)
                {
                    timer.CancelAfter(options.ConnectTimeout);
                }

                await socket.ConnectAsync(target, timer.Token);
                if (endpoint.Kind.IsTcp())
                {
                    socket.NoDelay = options.NoDelay;
                }

                if (endpoint.Kind == TransportKind.Tls)
                {
                    // Past the connect: a failed handshake is this address's answer, not a reason to try the next.
                    var tls = await ClientTls.AuthenticateAsync(endpoint, socket, options.Tls, cancellationToken);
                    return new ClientConnection(endpoint, socket, tls);
                }

                return new ClientConnection(endpoint, socket, new AsyncSocketIO(socket));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                lastFailure = () => ConnectFailures.TimedOut(endpoint, options.ConnectTimeout, tried);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                lastFailure = () => ConnectFailures.From(endpoint, e.SocketErrorCode, e, tried);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw lastFailure!();
    }

    /// <summary>
    /// Opens a datagram client for a udp or unixgram endpoint: a socket connected to the endpoint's first address,
    /// so it receives only that peer's replies. A unixgram client binds a temporary path of its own (an unbound Unix
    /// datagram socket cannot be replied to) and removes it when disposed.
    /// </summary>
    /// <exception cref="ConnectionRefusedException">No socket is bound at the unixgram path.</exception>
    /// <exception cref="HostNotFoundException">The name does not resolve.</exception>
    /// <exception cref="ClientConnectException">Any other failure.</exception>
    public static async Task<DatagramClient> OpenDatagramAsync(EndpointUri endpoint, ClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Kind.IsStream())
        {
            throw new ArgumentException($"{endpoint} is a stream endpoint; use {nameof(ConnectAsync)}", nameof(endpoint));
        }

        options ??= new ClientOptions();
        options.Validate();
        var targets = await AddressResolver.ResolveAsync(endpoint, options, cancellationToken);
        var target = targets[0]; // nothing answers a datagram socket's connect(): the first address is as good as any
        var socket = CreateSocket(endpoint.Kind, target);
        string? ownPath = null;
        try
        {
            var local = options.LocalEndPoint;
            if (local is null && endpoint.Kind == TransportKind.UnixDatagram)
            {
                local = new UnixDomainSocketEndPoint(TemporaryPath());
            }

            if (local is not null)
            {
                socket.Bind(LocalFor(local, target));
                if (local is UnixDomainSocketEndPoint unix && EndpointText.Format(unix) is var path && path.StartsWith('/'))
                {
                    ownPath = path;
                }
            }

            socket.Connect(target);
            return new DatagramClient(endpoint, socket, ownPath);
        }
        catch (SocketException e)
        {
            Cleanup(socket, ownPath);
            throw ConnectFailures.From(endpoint, e.SocketErrorCode, e);
        }
        catch
        {
            Cleanup(socket, ownPath);
            throw;
        }
    }

    /// <summary>A wildcard source (<c>0.0.0.0:PORT</c>) follows the target's family, so <c>:PORT</c> works for IPv6 too.</summary>
    private static EndPoint LocalFor(EndPoint local, EndPoint target) =>
        local is IPEndPoint { Address: var any } ip && any.Equals(IPAddress.Any) && target.AddressFamily == AddressFamily.InterNetworkV6
            ? new IPEndPoint(IPAddress.IPv6Any, ip.Port)
            : local;

    private static Socket CreateSocket(TransportKind kind, EndPoint target) => kind switch
    {
        TransportKind.Tcp or TransportKind.Tls => new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp),
        TransportKind.Udp => new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp),
        TransportKind.Unix => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified),
        _ => new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified),
    };

    private static string TemporaryPath() => Path.Combine(
        Path.GetTempPath(),
        "switchboard-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12] + ".sock");

    private static void Cleanup(Socket socket, string? ownPath)
    {
        socket.Dispose();
        DatagramClient.RemoveFile(ownPath);
    }
}
