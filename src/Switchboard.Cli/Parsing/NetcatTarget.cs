using System.Globalization;
using System.Net;
using Switchboard.Endpoints;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// Turns what users type from netcat habit into an <see cref="EndpointUri"/>: a URI as always, or <c>HOST PORT</c>
/// (tcp, udp with <c>-u</c>), a path with <c>-U</c> (unix, unixgram with <c>-u</c>), and for <c>listen</c> a bare
/// <c>PORT</c> or <c>-p PORT [HOST]</c>. A host left out is 127.0.0.1, as in every switchboard URI.
/// </summary>
internal static class NetcatTarget
{
    /// <summary>The flags that pick the transport when the target is not a URI.</summary>
    public readonly record struct Flags(bool Udp, bool Unix);

    /// <summary><c>connect URI</c>, <c>connect [-u] HOST PORT</c>, <c>connect [-u] -U PATH</c>.</summary>
    public static EndpointUri ForConnect(IReadOnlyList<string> tokens, Flags flags)
    {
        if (tokens.Count == 1 && IsUri(tokens[0]))
        {
            return FromUri(tokens[0], flags);
        }

        if (flags.Unix)
        {
            return tokens.Count == 1 ? FromPath(tokens[0], flags) : throw new UsageException("-U takes one path: connect -U /path/to.sock");
        }

        return tokens.Count == 2
            ? FromHostPort(tokens[0], tokens[1], flags)
            : throw new UsageException($"connect takes a URI (tcp://HOST:PORT, udp://…, unix:///path) or HOST PORT, not '{string.Join(' ', tokens)}'");
    }

    /// <summary>
    /// <c>listen URI</c>, <c>listen [-l] [-u] PORT</c>, <c>listen [-l] [-u] HOST PORT</c>, <c>listen -p PORT [HOST]</c>,
    /// <c>listen [-u] -U PATH</c>.
    /// </summary>
    public static EndpointUri ForListen(IReadOnlyList<string> tokens, Flags flags, string? port)
    {
        if (port is not null)
        {
            if (flags.Unix || tokens.Any(IsUri) || tokens.Count > 1)
            {
                throw new UsageException("-p PORT takes at most a HOST beside it: listen -p 7007 [HOST]");
            }

            return FromHostPort(tokens.Count == 1 ? tokens[0] : "127.0.0.1", port, flags);
        }

        if (tokens.Count == 1 && IsUri(tokens[0]))
        {
            return FromUri(tokens[0], flags);
        }

        if (flags.Unix)
        {
            return tokens.Count == 1 ? FromPath(tokens[0], flags) : throw new UsageException("-U takes one path: listen -U /path/to.sock");
        }

        return tokens.Count switch
        {
            1 => FromHostPort("127.0.0.1", tokens[0], flags),
            2 => FromHostPort(tokens[0], tokens[1], flags),
            _ => throw new UsageException(
                $"listen takes a URI (tcp://HOST:PORT, udp://…, unix:///path), PORT, HOST PORT or -p PORT, not '{string.Join(' ', tokens)}'"),
        };
    }

    /// <summary>A port number, 0 to 65535 (0 = ephemeral, for listening).</summary>
    public static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= IPEndPoint.MaxPort
            ? port
            : throw new UsageException($"'{text}' is not a port number (0 to 65535; service names are not looked up)");

    /// <summary>The host as a URI writes it: an IPv6 literal goes in brackets.</summary>
    public static string UriHost(string host) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host;

    private static bool IsUri(string text) => text.Contains("://", StringComparison.Ordinal);

    private static EndpointUri FromUri(string text, Flags flags)
    {
        var uri = EndpointUri.Parse(text);
        if (flags.Unix)
        {
            throw new UsageException($"-U takes a path, not the URI '{text}' (unix:// already says it is a Unix socket)");
        }

        if (flags.Udp && uri.Kind is TransportKind.Tcp or TransportKind.Unix)
        {
            throw new UsageException($"-u contradicts '{text}': write udp://… or unixgram://… for datagrams");
        }

        return uri;
    }

    private static EndpointUri FromHostPort(string host, string port, Flags flags)
    {
        var scheme = flags.Udp ? "udp" : "tcp";
        return EndpointUri.Parse(string.Create(CultureInfo.InvariantCulture, $"{scheme}://{UriHost(host)}:{Port(port)}"));
    }

    private static EndpointUri FromPath(string path, Flags flags)
    {
        var scheme = flags.Udp ? "unixgram" : "unix";
        // nc -U takes a relative path; a URI cannot, so it is made absolute here. @name is an abstract socket.
        var absolute = path.StartsWith('/') || path.StartsWith('@') ? path : Path.GetFullPath(path);
        return EndpointUri.Parse($"{scheme}://{absolute}");
    }
}
