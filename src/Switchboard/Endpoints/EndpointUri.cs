using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Endpoints;

/// <summary>
/// One endpoint in Switchboard's URI syntax: <c>tcp://HOST:PORT</c>, <c>tls://HOST:PORT</c>, <c>udp://HOST:PORT</c>,
/// <c>unix:///abs/path</c>, <c>unixgram:///abs/path</c>, or <c>unix://@name</c> / <c>unixgram://@name</c> for
/// Linux's abstract namespace. IPv6 hosts go in brackets; an empty host means loopback (127.0.0.1); port 0 asks
/// the kernel for an ephemeral port.
/// </summary>
public sealed record EndpointUri
{
    /// <summary>The most bytes a Unix socket path may have: <c>sun_path</c> is 108 bytes including the NUL.</summary>
    public const int MaxUnixPathBytes = 107;

    private EndpointUri(TransportKind kind, string? host, int port, string? path)
    {
        Kind = kind;
        Host = host;
        Port = port;
        Path = path;
    }

    /// <summary>Which socket kind the scheme names.</summary>
    public TransportKind Kind { get; }

    /// <summary>The host (an IP literal without brackets, or a name) for tcp and udp; null for Unix kinds.</summary>
    public string? Host { get; }

    /// <summary>The port for tcp and udp (0 = ephemeral); 0 for Unix kinds.</summary>
    public int Port { get; }

    /// <summary>The socket path for Unix kinds: an absolute path, or <c>@name</c> in the abstract namespace.</summary>
    public string? Path { get; }

    /// <summary>True for <c>unix://@name</c> endpoints, which live in Linux's abstract namespace and leave no file.</summary>
    public bool IsAbstract => Path is not null && Path.StartsWith('@');

    /// <summary>Makes a tcp or udp endpoint from an address and port.</summary>
    public static EndpointUri ForIp(TransportKind kind, IPAddress address, int port)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (kind.IsUnix())
        {
            throw new ArgumentException("an IP endpoint needs the tcp, tls or udp kind", nameof(kind));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        return new EndpointUri(kind, Unmap(address).ToString(), port, null);
    }

    /// <summary>Makes a unix or unixgram endpoint from an absolute path or an <c>@name</c>.</summary>
    public static EndpointUri ForUnix(TransportKind kind, string path)
    {
        if (!kind.IsUnix())
        {
            throw new ArgumentException("a path endpoint needs the unix or unixgram kind", nameof(kind));
        }

        return Parse($"{kind.Scheme()}://{path}");
    }

    /// <summary>Parses a URI; throws <see cref="EndpointFormatException"/> with a one-line message naming the bad part.</summary>
    public static EndpointUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var separator = text.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw new EndpointFormatException(
                $"endpoint '{text}' is not a URI: expected SCHEME://ADDRESS, e.g. tcp://127.0.0.1:7007 or unix:///tmp/echo.sock");
        }

        var scheme = text[..separator].ToLowerInvariant();
        var rest = text[(separator + 3)..];
        var kind = scheme switch
        {
            "tcp" => TransportKind.Tcp,
            "udp" => TransportKind.Udp,
            "unix" => TransportKind.Unix,
            "unixgram" => TransportKind.UnixDatagram,
            "tls" => TransportKind.Tls,
            _ => throw new EndpointFormatException(
                $"endpoint '{text}': unknown scheme '{text[..separator]}' (expected tcp, tls, udp, unix or unixgram)"),
        };

        return kind.IsUnix() ? ParseUnix(text, kind, rest) : ParseIp(text, kind, rest);
    }

    /// <summary>Parses a URI, or returns false with the one-line error.</summary>
    public static bool TryParse(string text, out EndpointUri? endpoint, out string? error)
    {
        try
        {
            endpoint = Parse(text);
            error = null;
            return true;
        }
        catch (EndpointFormatException e)
        {
            endpoint = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The endpoint a socket of <paramref name="kind"/> is bound or connected to, in URI form.</summary>
    public static EndpointUri FromEndPoint(TransportKind kind, EndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return endPoint switch
        {
            IPEndPoint ip => ForIp(kind, ip.Address, ip.Port),
            UnixDomainSocketEndPoint unix => new EndpointUri(kind, null, 0, EndpointText.Format(unix)),
            _ => throw new ArgumentException($"unsupported endpoint type {endPoint.GetType().Name}", nameof(endPoint)),
        };
    }

    /// <summary>
    /// True when <see cref="Host"/> is a name other than <c>localhost</c>, so its address takes a DNS lookup
    /// (<see cref="ToEndPointAsync"/>); false for Unix paths, IP literals and <c>localhost</c>.
    /// </summary>
    public bool NeedsLookup => !Kind.IsUnix()
        && !IPAddress.TryParse(Host, out _)
        && !string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The .NET <see cref="EndPoint"/> for binding or connecting, without a DNS lookup: a Unix path, an IP literal as
    /// it is, or <c>localhost</c> as 127.0.0.1. A host name that needs a lookup (<see cref="NeedsLookup"/>) throws
    /// <see cref="InvalidOperationException"/>; use <see cref="ToEndPointAsync"/> for those, so no caller blocks on DNS.
    /// </summary>
    public EndPoint ToEndPoint()
    {
        if (NeedsLookup)
        {
            throw new InvalidOperationException(
                $"{this}: '{Host}' is a host name, which needs a DNS lookup; use ToEndPointAsync, or an IP address or localhost");
        }

        return LiteralEndPoint();
    }

    /// <summary>
    /// The .NET <see cref="EndPoint"/> for binding or connecting. A host name other than <c>localhost</c> is looked
    /// up without blocking (the first address the resolver returns); anything else completes at once, as
    /// <see cref="ToEndPoint"/>. A name that is not found throws <see cref="SocketException"/> (host not found).
    /// </summary>
    public async ValueTask<EndPoint> ToEndPointAsync(CancellationToken cancellationToken = default)
    {
        if (!NeedsLookup)
        {
            return LiteralEndPoint();
        }

        var addresses = await Dns.GetHostAddressesAsync(Host!, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return new IPEndPoint(addresses[0], Port);
    }

    private EndPoint LiteralEndPoint()
    {
        if (Kind.IsUnix())
        {
            return IsAbstract ? new UnixDomainSocketEndPoint("\0" + Path![1..]) : new UnixDomainSocketEndPoint(Path!);
        }

        return IPAddress.TryParse(Host, out var literal) ? new IPEndPoint(literal, Port) : new IPEndPoint(IPAddress.Loopback, Port);
    }

    /// <summary>The canonical URI text: <c>tcp://127.0.0.1:7</c>, <c>udp://[::1]:7</c>, <c>unix:///tmp/x.sock</c>.</summary>
    public override string ToString()
    {
        if (Kind.IsUnix())
        {
            return $"{Kind.Scheme()}://{Path}";
        }

        var host = Host!.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        return string.Create(CultureInfo.InvariantCulture, $"{Kind.Scheme()}://{host}:{Port}");
    }

    private static EndpointUri ParseIp(string text, TransportKind kind, string rest)
    {
        string host;
        string portText;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw new EndpointFormatException($"endpoint '{text}': '[' opens an IPv6 host that no ']' closes");
            }

            host = rest[1..close];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw new EndpointFormatException($"endpoint '{text}': '{host}' in brackets is not an IPv6 address");
            }

            var after = rest[(close + 1)..];
            if (!after.StartsWith(':'))
            {
                throw new EndpointFormatException($"endpoint '{text}': missing ':PORT' after the IPv6 host");
            }

            portText = after[1..];
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            if (colon < 0)
            {
                throw new EndpointFormatException($"endpoint '{text}': missing ':PORT' (use port 0 for an ephemeral port)");
            }

            host = rest[..colon];
            portText = rest[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                throw new EndpointFormatException($"endpoint '{text}': IPv6 host '{host}' must be in brackets, e.g. tcp://[::1]:7");
            }

            if (host.Length == 0)
            {
                host = IPAddress.Loopback.ToString();
            }
            else if (!IPAddress.TryParse(host, out _) && !IsHostName(host))
            {
                throw new EndpointFormatException($"endpoint '{text}': '{host}' is neither an IP address nor a host name");
            }
        }

        if (portText.Length == 0 || portText.Length > 5 || !portText.All(char.IsAsciiDigit))
        {
            throw new EndpointFormatException($"endpoint '{text}': port '{portText}' is not a number from 0 to 65535");
        }

        var port = int.Parse(portText, CultureInfo.InvariantCulture);
        if (port > IPEndPoint.MaxPort)
        {
            throw new EndpointFormatException($"endpoint '{text}': port {port} is out of range (0 to 65535)");
        }

        return new EndpointUri(kind, host, port, null);
    }

    private static EndpointUri ParseUnix(string text, TransportKind kind, string path)
    {
        if (path.Length == 0 || path == "@")
        {
            throw new EndpointFormatException($"endpoint '{text}': missing socket path (unix:///abs/path or unix://@name)");
        }

        if (!path.StartsWith('/') && !path.StartsWith('@'))
        {
            throw new EndpointFormatException(
                $"endpoint '{text}': Unix path '{path}' is relative; write an absolute one, e.g. {kind.Scheme()}:///tmp/{path}");
        }

        if (path.Contains('\0', StringComparison.Ordinal))
        {
            throw new EndpointFormatException($"endpoint '{text}': a Unix path may not contain NUL");
        }

        var bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > MaxUnixPathBytes)
        {
            throw new EndpointFormatException(
                $"endpoint '{text}': Unix path is {bytes} bytes, but sun_path holds at most {MaxUnixPathBytes}");
        }

        return new EndpointUri(kind, null, 0, path);
    }

    private static bool IsHostName(string host) =>
        host.Length <= 253 && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    private static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
