namespace Switchboard.Cli.Resolve;

/// <summary>One getaddrinfo result: an address and family, and, when a service was given, how to reach it.</summary>
/// <param name="Address">The address, e.g. <c>127.0.0.1</c> or <c>::1</c>.</param>
/// <param name="Family"><c>ipv4</c> or <c>ipv6</c>.</param>
/// <param name="SocketType"><c>stream</c> or <c>dgram</c>, with a service; else null.</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>, with a service; else null.</param>
/// <param name="Port">The port, with a service; else null.</param>
internal sealed record AddressRecord(string Address, string Family, string? SocketType = null, string? Protocol = null, int? Port = null);
