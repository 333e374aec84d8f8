namespace Switchboard.Cli.Resolve;

/// <summary>One line of <c>/etc/services</c>: a service name, its port and protocol, and its aliases.</summary>
/// <param name="Name">The official name, e.g. <c>http</c>.</param>
/// <param name="Port">The port, 0 to 65535.</param>
/// <param name="Protocol">The protocol as written, e.g. <c>tcp</c>, <c>udp</c>, <c>sctp</c>, <c>ddp</c>.</param>
/// <param name="Aliases">Other names of the service, e.g. <c>www</c> for <c>http</c>.</param>
internal sealed record ServiceEntry(string Name, int Port, string Protocol, IReadOnlyList<string> Aliases)
{
    /// <summary>True when <paramref name="name"/> is the official name or an alias (case-insensitive, as glibc).</summary>
    public bool IsNamed(string name) =>
        string.Equals(Name, name, StringComparison.OrdinalIgnoreCase)
        || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
}
