using Switchboard.Chat;
using Switchboard.Handlers;

namespace Switchboard.Services;

/// <summary>One service <c>switchboard serve</c> knows: its handlers and its default port.</summary>
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

/// <summary>
/// The classic services by name. Default ports are the well-known port plus 7000 (echo 7007, discard 7009,
/// daytime 7013, chargen 7019, time 7037), since ports below 1024 need root; timestamp uses 21567, the port of
/// the tutorials it comes from. The chat (stream only) uses 7023, telnet's port plus 7000.
/// </summary>
public static class ServiceCatalog
{
    /// <summary>The names of every service, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["echo", "discard", "chargen", "daytime", "time", "timestamp", "chat"];

    /// <summary>Makes the named service's handlers with <paramref name="options"/>; null for an unknown name.</summary>
    public static ServiceDefinition? Create(string name, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        return name.ToLowerInvariant() switch
        {
            "echo" => Both("echo", "RFC 862: sends back every byte", 7, 7007, new EchoService()),
            "discard" => Both("discard", "RFC 863: throws away every byte", 9, 7009, new DiscardService()),
            "chargen" => Both("chargen", "RFC 864: rotating lines of printable ASCII", 19, 7019, new ChargenService()),
            "daytime" => Both("daytime", "RFC 867: the date and time as one line", 13, 7013, new DaytimeService(options)),
            "time" => Both("time", "RFC 868: seconds since 1900 as 4 bytes", 37, 7037, new TimeService(options)),
            "timestamp" => Both("timestamp", "each line comes back as [time]: line", 0, 21567, new TimestampService(options)),
            "chat" => new("chat", "telnet chat: each line goes to everyone else in the room (tcp and unix only)", 0, 7023, new ChatService(options), null),
            _ => null,
        };
    }

    private static ServiceDefinition Both<T>(string name, string summary, int wellKnown, int port, T service)
        where T : IStreamHandler, IDatagramHandler =>
        new(name, summary, wellKnown, port, service, service);
}
