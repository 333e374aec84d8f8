using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// <c>--source</c>: the local end to bind before connecting. For tcp and udp <c>ADDR</c>, <c>ADDR:PORT</c>,
/// <c>[V6]:PORT</c> or <c>:PORT</c> (port 0 = any); for unix and unixgram an absolute path.
/// </summary>
internal static class SourceAddressParser
{
    public static EndPoint Parse(string text, TransportKind kind)
    {
        if (kind.IsUnix())
        {
            return text.StartsWith('/')
                ? new UnixDomainSocketEndPoint(text)
                : throw new UsageException($"--source: '{text}' is not an absolute path, as a {kind.Scheme()} source must be");
        }

        string host = text;
        var port = "0";
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw Bad(text);
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            if (rest.Length > 0)
            {
                port = rest.StartsWith(':') ? rest[1..] : throw Bad(text);
            }
        }
        else if (text.Count(c => c == ':') == 1)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = text[..colon];
            port = text[(colon + 1)..];
        }

        var address = host.Length == 0 ? IPAddress.Any : IPAddress.TryParse(host, out var parsed) ? parsed : throw Bad(text);
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number > IPEndPoint.MaxPort)
        {
            throw Bad(text);
        }

        return new IPEndPoint(address, number);
    }

    private static UsageException Bad(string text) =>
        new($"--source: '{text}' is not ADDR, ADDR:PORT, [IPV6]:PORT or :PORT");
}
