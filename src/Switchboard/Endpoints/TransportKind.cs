namespace Switchboard.Endpoints;

/// <summary>The four socket kinds an endpoint can name; the URI scheme says which.</summary>
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
}

/// <summary>Facts about a <see cref="TransportKind"/>.</summary>
public static class TransportKindExtensions
{
    /// <summary>True for the stream kinds (tcp, unix), false for the datagram kinds (udp, unixgram).</summary>
    public static bool IsStream(this TransportKind kind) => kind is TransportKind.Tcp or TransportKind.Unix;

    /// <summary>True for the Unix-domain kinds.</summary>
    public static bool IsUnix(this TransportKind kind) => kind is TransportKind.Unix or TransportKind.UnixDatagram;

    /// <summary>The URI scheme of the kind: <c>tcp</c>, <c>udp</c>, <c>unix</c> or <c>unixgram</c>.</summary>
    public static string Scheme(this TransportKind kind) => kind switch
    {
        TransportKind.Tcp => "tcp",
        TransportKind.Udp => "udp",
        TransportKind.Unix => "unix",
        TransportKind.UnixDatagram => "unixgram",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
