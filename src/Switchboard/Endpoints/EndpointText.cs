using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Endpoints;

/// <summary>How endpoints are written in logs and messages.</summary>
public static class EndpointText
{
    /// <summary>
    /// Formats a peer or local endpoint for people: IPv4-mapped IPv6 addresses as plain IPv4 (a dual-stack
    /// listener sees <c>::ffff:127.0.0.1</c>), IPv6 in brackets, abstract Unix names as <c>@name</c>, and an
    /// unbound Unix peer as <c>unix:(unnamed)</c>.
    /// </summary>
    public static string Format(EndPoint? endPoint) => endPoint switch
    {
        null => "(unknown)",
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip =>
            string.Create(CultureInfo.InvariantCulture, $"{ip.Address.MapToIPv4()}:{ip.Port}"),
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip =>
            string.Create(CultureInfo.InvariantCulture, $"[{ip.Address}]:{ip.Port}"),
        IPEndPoint ip => string.Create(CultureInfo.InvariantCulture, $"{ip.Address}:{ip.Port}"),
        UnixDomainSocketEndPoint unix => FormatUnix(unix),
        _ => endPoint.ToString() ?? "(unknown)",
    };

    private static string FormatUnix(UnixDomainSocketEndPoint unix)
    {
        var text = unix.ToString();
        if (string.IsNullOrEmpty(text))
        {
            return "unix:(unnamed)";
        }

        // .NET shows an abstract name with its leading NUL; the convention (ss, socat) is '@'.
        return text[0] == '\0' ? "@" + text[1..] : text;
    }
}
