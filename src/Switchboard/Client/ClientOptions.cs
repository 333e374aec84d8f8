using System.Net;
using System.Net.Sockets;
using Switchboard.Options;

namespace Switchboard.Client;

/// <summary>How <see cref="SocketClient"/> connects: timeout, address family, source address.</summary>
public sealed class ClientOptions
{
    /// <summary>
    /// How long one connection attempt may take, per resolved address (name resolution counts against the first).
    /// Defaults to 10 seconds, ncat's default; <see cref="Timeout.InfiniteTimeSpan"/> waits as long as the kernel does.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Which addresses of a host name to try: <see cref="AddressFamily.Unspecified"/> (default) tries every address
    /// in the resolver's order (IPv6 first where the host prefers it); <see cref="AddressFamily.InterNetwork"/> or
    /// <see cref="AddressFamily.InterNetworkV6"/> keep only that family (netcat's <c>-4</c> / <c>-6</c>).
    /// </summary>
    public AddressFamily AddressFamily { get; set; } = AddressFamily.Unspecified;

    /// <summary>
    /// The local address to bind before connecting (netcat's <c>-s</c>/<c>-p</c>): an <see cref="IPEndPoint"/> for
    /// tcp and udp (port 0 = any), or a <see cref="UnixDomainSocketEndPoint"/> path for unix and unixgram. Null
    /// (default) lets the kernel choose; a unixgram client then binds a temporary path of its own.
    /// </summary>
    public EndPoint? LocalEndPoint { get; set; }

    /// <summary>TCP_NODELAY on tcp connections. Defaults to true: an interactive client wants each write sent at once.</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>
    /// TLS for <c>tls://</c> endpoints: trust anchors, the name checked, a client certificate. Null (default) is the
    /// same as a new <see cref="Security.TlsClientOptions"/>: the server's certificate is verified against the
    /// system's trust store and the endpoint's host.
    /// </summary>
    public Security.TlsClientOptions? Tls { get; set; }

    /// <summary>
    /// Throws <see cref="OptionOutOfRangeException"/> (an <see cref="ArgumentOutOfRangeException"/>) naming the option
    /// for a value no client can run with: <see cref="ConnectTimeout"/> must be more than 0 and at most
    /// <see cref="OptionLimits.LongestDuration"/>, or <see cref="Timeout.InfiniteTimeSpan"/>. <see cref="SocketClient"/>
    /// calls it.
    /// </summary>
    public void Validate()
    {
        if (ConnectTimeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            throw new OptionOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "must be more than 0");
        }

        OptionOutOfRangeException.ThrowIfOutOfRange(ConnectTimeout, TimeSpan.Zero, OptionLimits.LongestDuration, nameof(ConnectTimeout));
    }
}
