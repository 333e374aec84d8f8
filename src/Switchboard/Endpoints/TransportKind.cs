namespace Switchboard.Endpoints;

/// <summary>The socket kinds an endpoint can name; the URI scheme says which.</summary>
public enum TransportKind
{
    /// <summary><c>tcp://</c>: a TCP stream over IPv4 or IPv6.</summary>
    Tcp,

    /// <summary><c>udp://</c>: UDP datagrams over IPv4 or IPv6.</summary>
    Udp,

    /// <summary><c>unix://</c>: a Unix-domain stream socket (<c>SOCK_STREAM</c>).</summary>
    Unix,

    /// <summary><c>unixgram://</c>: a Unix-domain datagram socket (<c>SOCK_DGRAM</c>).</summary>
    UnixDatagram,

    /// <summary>
    /// <c>tls://</c>: a TCP stream carrying TLS (1.2 or 1.3). The socket is a TCP one; the server's handler and the
    /// client's pipes see the decrypted bytes.
    /// </summary>
    Tls,
}

/// <summary>Facts about a <see cref="TransportKind"/>.</summary>
public static class TransportKindExtensions
{
    /// <summary>True for the stream kinds (tcp, tls, unix), false for the datagram kinds (udp, unixgram).</summary>
    public static bool IsStream(this TransportKind kind) => kind is TransportKind.Tcp or TransportKind.Unix or TransportKind.Tls;

    /// <summary>True when the socket underneath is TCP: tcp, and tls (TCP with TLS on top).</summary>
    public static bool IsTcp(this TransportKind kind) => kind is TransportKind.Tcp or TransportKind.Tls;

    /// <summary>True for the Unix-domain kinds.</summary>
    public static bool IsUnix(this TransportKind kind) => kind is TransportKind.Unix or TransportKind.UnixDatagram;

    /// <summary>The URI scheme of the kind: <c>tcp</c>, <c>udp</c>, <c>unix</c>, <c>unixgram</c> or <c>tls</c>.</summary>
    public static string Scheme(this TransportKind kind) => kind switch
    {
        TransportKind.Tcp => "tcp",
        TransportKind.Udp => "udp",
        TransportKind.Unix => "unix",
        TransportKind.UnixDatagram => "unixgram",
        TransportKind.Tls => "tls",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
