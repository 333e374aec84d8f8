using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Switchboard.Cli.Parsing;
using Switchboard.Cli.Resolve;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard resolve [NAME]</c>: the tutorials' name functions, as text or JSON.</summary>
internal static class ResolveCommand
{
    public static Command Create()
    {
        var name = new Argument<string?>("name")
        {
            Description = "A host name (every address, getaddrinfo), or an IP address (its name, gethostbyaddr). "
                + "Without it: the service given by --service/--port, or else this host's name and FQDN",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var service = new Option<string?>("--service", "-s") { Description = "A service name or port: with NAME, each address with its socket type, protocol and port; alone, the /etc/services lines (getservbyname/getservbyport) [default: none]" };
        var port = new Option<int?>("--port", "-p") { Description = "A port number, as --service [default: none]" };
        var ipv4 = new Option<bool>("--ipv4", "-4") { Description = "IPv4 addresses only [default: false: every family]" };
        var ipv6 = new Option<bool>("--ipv6", "-6") { Description = "IPv6 addresses only [default: false: every family]" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (query, kind, canonicalName, aliases, addresses, services, hostName, fqdn) [default: false: text]" };
        var command = new Command(
            "resolve",
            "Look names up as the socket tutorials do: a name's addresses with their family and canonical name, an "
            + "address's name, a service's port (and back) from /etc/services, this host's name and FQDN. Exit codes: "
            + "0 found, 1 not found, 2 usage error.")
        {
            name, service, port, ipv4, ipv6, json,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(ipv4) && parse.GetValue(ipv6))
            {
                throw new UsageException("-4 and -6 exclude each other");
            }

            if (parse.GetValue(service) is not null && parse.GetValue(port) is not null)
            {
                throw new UsageException("--service and --port exclude each other");
            }

            if (parse.GetValue(port) is { } p && p is < 0 or > 65535)
            {
                throw new UsageException($"--port {p} is out of range (0 to 65535)");
            }

            var family = parse.GetValue(ipv4) ? AddressFamily.InterNetwork
                : parse.GetValue(ipv6) ? AddressFamily.InterNetworkV6
                : AddressFamily.Unspecified;
            var result = await LookUpAsync(parse.GetValue(name), parse.GetValue(service), parse.GetValue(port), family, cancellationToken);
            Console.Out.Write(parse.GetValue(json)
                ? JsonSerializer.Serialize(result, ResolveJsonContext.Default.ResolveResult) + "\n"
                : ResolveText.Format(result));
            return ExitCodes.Success; // a name that does not resolve: LookupFailedException, exit 1 (CommandFailure)
        });
        return command;
    }

    private static async Task<ResolveResult> LookUpAsync(string? name, string? service, int? port, AddressFamily family, CancellationToken cancellationToken)
    {
        if (name is null)
        {
            if (port is { } number)
            {
                return NameLookup.Service(Services(), number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            return service is null ? await NameLookup.HostAsync(cancellationToken) : NameLookup.Service(Services(), service);
        }

        var query = port is { } n ? ServiceQuery.ForPort(n)
            : service is null ? null
            : ServiceQuery.ForName(Services(), service) ?? throw new LookupFailedException($"service '{service}' not found in {ServicesFile.DefaultPath}");
        return IPAddress.TryParse(name, out var address)
            ? await NameLookup.ReverseAsync(address, query, cancellationToken)
            : await NameLookup.ForwardAsync(name, family, query, cancellationToken);
    }

    private static ServicesFile Services() =>
        ServicesFile.Load() ?? throw new LookupFailedException(
            $"{ServicesFile.DefaultPath} is missing, so service names cannot be looked up (on Debian: apt-get install netbase); numeric ports still work");
}
