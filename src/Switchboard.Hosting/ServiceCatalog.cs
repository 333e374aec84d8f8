using Switchboard.Chat;
using Switchboard.Handlers;
using Switchboard.Services;

namespace Switchboard.Hosting;

/// <summary>
/// The library's services and the chat by name, as <c>switchboard serve SERVICE</c> and a host's
/// <c>Switchboard:Servers:NAME:Service</c> name them: one table for both, with each one's summary and default port.
/// Default ports are the well-known port plus 7000 (echo 7007, discard 7009, daytime 7013, chargen 7019, time 7037),
/// since ports below 1024 need root; timestamp uses 21567, the port of the tutorials it comes from. The chat (stream
/// only) uses 7023, telnet's port plus 7000. It lives here, above both the services and the chat, so that neither
/// library layer knows the other; the tool references this package.
/// </summary>
public static class ServiceCatalog
{
    /// <summary>The names of every service, in the order <c>--help</c> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["echo", "discard", "chargen", "daytime", "time", "timestamp", "chat"];

    /// <summary>
    /// Makes the named service's handlers (any case) with <paramref name="options"/> (and, for the chat,
    /// <paramref name="chat"/>, its defaults unless given); null for an unknown name. The caller owns the handlers:
    /// the chat's is <see cref="IDisposable"/>.
    /// </summary>
    public static ServiceDefinition? Create(string name, ServiceOptions options, ChatOptions? chat = null)
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
            "chat" => new("chat", "telnet chat: each line goes to everyone else in the room (tcp and unix only)", 0, 7023, new ChatService(chat ?? new ChatOptions(), options), null),
            _ => null,
        };
    }

    private static ServiceDefinition Both<T>(string name, string summary, int wellKnown, int port, T service)
        where T : IStreamHandler, IDatagramHandler =>
        new(name, summary, wellKnown, port, service, service);
}
