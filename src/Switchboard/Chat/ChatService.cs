using Switchboard.Chat.Internal;
using Switchboard.Handlers;
using Switchboard.Services;
using Switchboard.Transport;

namespace Switchboard.Chat;

/// <summary>
/// The telnet chat server (<c>switchboard serve chat</c>): every member reaches it with plain <c>telnet</c> or
/// <c>nc</c>, chooses a nick, and every line it sends is seen by everyone else in its room. The protocol and its
/// limits are in <c>docs/chat-protocol.md</c>. Built for the async model; the select model works too (one thread
/// for everyone), threads works with each member's writer on the pool, and sequential serves one member at a time.
/// </summary>
public sealed class ChatService : IStreamHandler, IDisposable
{
    private readonly ChatMetrics _metrics;

    /// <summary>Creates the chat with <paramref name="options"/> and <paramref name="hub"/> (an in-process <see cref="ChatHub"/> by default).</summary>
    public ChatService(ChatOptions? options = null, IChatHub? hub = null)
    {
        Options = options ?? new ChatOptions();
        Options.Validate();
        Hub = hub ?? new ChatHub(Options.DefaultRoom, Options.MaxMembers);
        _metrics = new ChatMetrics(Options.MeterFactory);
    }

    /// <summary>
    /// Creates the chat with <paramref name="options"/> and the line timeout of <see cref="ServiceOptions.LineTimeout"/>
    /// from <paramref name="services"/> (what <c>switchboard serve chat</c> uses).
    /// </summary>
    public ChatService(ChatOptions options, ServiceOptions services, IChatHub? hub = null)
        : this(options ?? throw new ArgumentNullException(nameof(options)), hub)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Validate();
        LineTimeout = services.LineTimeout;
    }

    /// <summary>
    /// How long one line may take from its first byte to its end before the member is told and closed (reason
    /// <see cref="CloseReason.Limit"/>); <see cref="ServiceOptions.LineTimeout"/>, 30 s unless given.
    /// </summary>
    public TimeSpan LineTimeout { get; } = new ServiceOptions().LineTimeout;

    /// <summary>The limits in force.</summary>
    public ChatOptions Options { get; }

    /// <summary>The rooms and members.</summary>
    public IChatHub Hub { get; }


    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var session = new ChatSession(connection, Hub, Options, _metrics, LineTimeout);
        await session.RunAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _metrics.Dispose();
}
