using System.Globalization;
using System.Text;

namespace Switchboard.Cli.Resolve;

/// <summary>The text form of a <see cref="ResolveResult"/>: one fact per line, addresses in resolver order.</summary>
internal static class ResolveText
{
    public static string Format(ResolveResult result)
    {
        var text = new StringBuilder();
        switch (result.Kind)
        {
            case "host":
                Line(text, $"host name: {result.HostName}");
                Line(text, $"fqdn: {result.Fqdn}");
                break;
            case "service":
                foreach (var service in result.Services!)
                {
                    var aliases = service.Aliases.Count > 0 ? "  " + string.Join(' ', service.Aliases) : "";
                    Line(text, $"{service.Name}  {service.Port}/{service.Protocol}{aliases}");
                }

                break;
            default:
                Line(text, result.Kind == "reverse" ? $"name: {result.CanonicalName}" : $"canonical name: {result.CanonicalName}");
                if (result.Aliases is { Count: > 0 } names)
                {
                    Line(text, $"aliases: {string.Join(' ', names)}");
                }

                foreach (var address in result.Addresses!)
                {
                    var family = address.Family == "ipv6" ? "IPv6" : "IPv4";
                    Line(text, address.Port is { } port
                        ? $"{family}  {address.Address}  {address.SocketType} {address.Protocol} {port}"
                        : $"{family}  {address.Address}");
                }

                break;
        }

        return text.ToString();
    }

    private static void Line(StringBuilder text, string line) => text.Append(CultureInfo.InvariantCulture, $"{line}\n");
}
