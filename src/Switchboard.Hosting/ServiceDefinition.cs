using Switchboard.Handlers;

namespace Switchboard.Hosting;

/// <summary>One service of the <see cref="ServiceCatalog"/>: its handlers, a summary and its default port.</summary>
/// <param name="Name">The name on the command line, e.g. <c>echo</c>.</param>
/// <param name="Summary">One line for <c>--help</c>.</param>
/// <param name="WellKnownPort">The port its RFC assigns (needs root to bind).</param>
/// <param name="DefaultPort">The unprivileged port Switchboard listens on by default.</param>
/// <param name="StreamHandler">The TCP and Unix stream handler.</param>
/// <param name="DatagramHandler">The UDP and Unix datagram handler; null for a stream-only service (chat).</param>
public sealed record ServiceDefinition(
    string Name,
    string Summary,
    int WellKnownPort,
    int DefaultPort,
    IStreamHandler StreamHandler,
    IDatagramHandler? DatagramHandler);
