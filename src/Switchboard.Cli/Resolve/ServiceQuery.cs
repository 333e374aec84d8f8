using System.Globalization;

namespace Switchboard.Cli.Resolve;

/// <summary>
/// The service half of getaddrinfo: a port gives a stream/tcp and a dgram/udp row per address; a name gives one
/// row per tcp or udp line of /etc/services.
/// </summary>
internal sealed record ServiceQuery(IReadOnlyList<(string SocketType, string Protocol, int Port)> Bindings)
{
    public static ServiceQuery ForPort(int port) => new([("stream", "tcp", port), ("dgram", "udp", port)]);

    /// <summary>Looks a service up; null when no tcp or udp line names it.</summary>
    public static ServiceQuery? ForName(ServicesFile services, string name)
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
        {
            return ForPort(port);
        }

        var bindings = services.ByName(name)
            .Where(e => e.Protocol is "tcp" or "udp")
            .Select(e => (e.Protocol == "tcp" ? "stream" : "dgram", e.Protocol, e.Port))
            .Distinct()
            .ToList();
        return bindings.Count == 0 ? null : new ServiceQuery(bindings);
    }
}
