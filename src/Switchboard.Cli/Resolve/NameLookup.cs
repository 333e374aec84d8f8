using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Cli.Resolve;

/// <summary>
/// The tutorials' name functions over the system resolver: getaddrinfo (forward, with canonical name),
/// gethostbyaddr (reverse), getservbyname/getservbyport (from /etc/services), gethostname and the FQDN.
/// A failed lookup throws <see cref="LookupFailedException"/> with a one-line message.
/// </summary>
internal static class NameLookup
{
    public static async Task<ResolveResult> ForwardAsync(string name, AddressFamily family, ServiceQuery? service, CancellationToken cancellationToken)
    {
        IPHostEntry entry;
        try
        {
            entry = await Dns.GetHostEntryAsync(name, family, cancellationToken);
        }
        catch (SocketException e)
        {
            throw new LookupFailedException($"{name}: name not found ({e.Message})");
        }

        var addresses = entry.AddressList
            .Where(a => family == AddressFamily.Unspecified || a.AddressFamily == family)
            .Distinct()
            .ToList();
        if (addresses.Count == 0)
        {
            throw new LookupFailedException($"{name}: no {FamilyWord(family)}address");
        }

        return new ResolveResult
        {
            Query = name,
            Kind = "forward",
            CanonicalName = entry.HostName,
            Aliases = entry.Aliases,
            Addresses = Records(addresses, service),
        };
    }

    public static async Task<ResolveResult> ReverseAsync(IPAddress address, ServiceQuery? service, CancellationToken cancellationToken)
    {
        IPHostEntry entry;
        try
        {
            entry = await Dns.GetHostEntryAsync(address).WaitAsync(cancellationToken);
        }
        catch (SocketException e)
        {
            throw new LookupFailedException($"{address}: no name for this address ({e.Message})");
        }

        return new ResolveResult
        {
            Query = address.ToString(),
            Kind = "reverse",
            CanonicalName = entry.HostName,
            Aliases = entry.Aliases,
            Addresses = Records([address], service),
        };
    }

    public static ResolveResult Service(ServicesFile services, string query)
    {
        var byPort = int.TryParse(query, NumberStyles.None, CultureInfo.InvariantCulture, out var port);
        var entries = byPort ? services.ByPort(port) : services.ByName(query);
        if (entries.Count == 0)
        {
            throw new LookupFailedException(byPort
                ? $"port {query}: no service in {ServicesFile.DefaultPath}"
                : $"service '{query}' not found in {ServicesFile.DefaultPath}");
        }

        return new ResolveResult
        {
            Query = query,
            Kind = "service",
            Services = entries.Select(e => new ServiceRecord(e.Name, e.Port, e.Protocol, e.Aliases)).ToList(),
        };
    }

    public static async Task<ResolveResult> HostAsync(CancellationToken cancellationToken)
    {
        var hostName = Dns.GetHostName();
        string fqdn;
        try
        {
            fqdn = (await Dns.GetHostEntryAsync(hostName, cancellationToken)).HostName;
        }
        catch (SocketException)
        {
            fqdn = hostName; // the host's own name does not resolve: it is all there is
        }

        return new ResolveResult { Query = hostName, Kind = "host", HostName = hostName, Fqdn = fqdn };
    }

    private static List<AddressRecord> Records(IEnumerable<IPAddress> addresses, ServiceQuery? service) =>
        addresses.SelectMany(a => service is null
            ? [new AddressRecord(a.ToString(), Family(a))]
            : service.Bindings.Select(b => new AddressRecord(a.ToString(), Family(a), b.SocketType, b.Protocol, b.Port)))
        .ToList();

    private static string Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";

    private static string FamilyWord(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => "IPv4 ",
        AddressFamily.InterNetworkV6 => "IPv6 ",
        _ => "",
    };
}
