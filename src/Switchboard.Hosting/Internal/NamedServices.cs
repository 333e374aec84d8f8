using Switchboard.Chat;
using Switchboard.Handlers;
using Switchboard.Services;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// The library's services by the names the tool gives them. Hosting sits above both the services and the chat, as
/// the tool does, so it may know them all; the tool keeps its own catalogue for its default ports and help text.
/// </summary>
internal static class NamedServices
{
    public static IReadOnlyList<string> Names { get; } = ["echo", "discard", "chargen", "daytime", "time", "timestamp", "chat"];

    /// <summary>The named service's handlers (the chat has no datagram one); false for an unknown name.</summary>
    public static bool TryCreate(string name, ServiceOptions options, out IStreamHandler stream, out IDatagramHandler? datagram)
    {
        (stream, datagram) = name.ToLowerInvariant() switch
        {
            "echo" => Both(new EchoService()),
            "discard" => Both(new DiscardService()),
            "chargen" => Both(new ChargenService()),
            "daytime" => Both(new DaytimeService(options)),
            "time" => Both(new TimeService(options)),
            "timestamp" => Both(new TimestampService(options)),
            "chat" => (new ChatService(new ChatOptions(), options), null),
            _ => (null!, null),
        };
        return stream is not null;
    }

    private static (IStreamHandler, IDatagramHandler?) Both<T>(T service)
        where T : IStreamHandler, IDatagramHandler => (service, service);
}
