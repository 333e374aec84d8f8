using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;

namespace Switchboard.Cli.Bench;

/// <summary>
/// Where a benchmark sends its load: a tcp or unix stream endpoint. A load generator aimed at the wrong host is a
/// denial-of-service tool, so the rule is: Unix sockets and addresses that are loopback (127.0.0.0/8, ::1, and
/// host names that resolve to them, such as <c>localhost</c>) are always allowed; any other address is refused
/// unless the user passes <c>--allow-remote</c>, naming the intent explicitly.
/// </summary>
internal sealed class BenchTarget
{
    private BenchTarget(EndpointUri uri, EndPoint endPoint)
    {
        Uri = uri;
        EndPoint = endPoint;
    }

    public EndpointUri Uri { get; }

    public EndPoint EndPoint { get; }

    public bool IsTcp => Uri.Kind == TransportKind.Tcp;

    /// <summary>Parses and resolves <paramref name="text"/>, applying the loopback rule.</summary>
    public static async Task<BenchTarget> ResolveAsync(string text, bool allowRemote, bool tcpOnly = false, bool allowTls = false, bool allowDatagrams = false, CancellationToken cancellationToken = default)
    {
        var uri = EndpointUri.Parse(text);
        // tls:// where the bench mode can run it: on the library's client (TlsEchoClients, ConnectionsLoad, TlsChatMembers);
        // udp:// and unixgram:// where it has a datagram load (DatagramEchoClients).
        var tlsAllowed = allowTls && uri.Kind == TransportKind.Tls;
        var datagramAllowed = allowDatagrams && uri.Kind is TransportKind.Udp or TransportKind.UnixDatagram;
        if ((!tlsAllowed && !datagramAllowed && uri.Kind is not (TransportKind.Tcp or TransportKind.Unix)) || (tcpOnly && uri.Kind != TransportKind.Tcp))
        {
            throw new UsageException(tcpOnly
                ? $"'{text}': this benchmark needs a tcp:// endpoint"
                : allowDatagrams
                    ? $"'{text}': bench echo needs tcp://, tls://, unix://, udp:// or unixgram://"
                    : $"'{text}': benchmarks need a stream endpoint (tcp://, tls:// or unix://)");
        }

        if (uri.Port == 0 && (uri.Kind.IsTcp() || uri.Kind == TransportKind.Udp))
        {
            throw new UsageException($"'{text}': name the server's port (port 0 is for listening)");
        }

        var endPoint = await uri.ToEndPointAsync(cancellationToken);
        if (endPoint is IPEndPoint ip && !IsLoopback(ip.Address) && !allowRemote)
        {
            throw new UsageException(
                $"refusing to send load to {ip.Address}, which is not a loopback address; pass --allow-remote if you mean it");
        }

        return new BenchTarget(uri, endPoint);
    }

    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>A new stream socket of the target's family, not yet connected (TCP_NODELAY on for tcp).</summary>
    public Socket NewSocket()
    {
        if (!IsTcp)
        {
            return new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        }

        return new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    }

    /// <summary>True for udp:// and unixgram://: the load is datagrams (<see cref="DatagramEchoClients"/>).</summary>
    public bool IsDatagram => Uri.Kind is TransportKind.Udp or TransportKind.UnixDatagram;

    /// <summary>
    /// A datagram socket connected to the target, so it receives only the server's replies: UDP bound to an
    /// ephemeral port of the loopback family, unixgram bound to a path of <paramref name="paths"/>.
    /// </summary>
    public Socket NewDatagramSocket(DatagramClientPaths paths)
    {
        Socket socket;
        if (Uri.Kind == TransportKind.Udp)
        {
            socket = new Socket(EndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        }
        else
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.Bind(new UnixDomainSocketEndPoint(paths.Next()));
        }

        try
        {
            // Room for every datagram in flight and more: a full queue here would count as the server's loss.
            socket.ReceiveBufferSize = 1024 * 1024;
            socket.Connect(EndPoint);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects a new socket, waiting at most <paramref name="timeout"/>; the caller owns it.</summary>
    public async Task<Socket> ConnectAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = NewSocket();
        try
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await socket.ConnectAsync(EndPoint, limit.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
