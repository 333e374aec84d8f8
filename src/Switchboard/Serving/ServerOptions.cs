using Switchboard.Endpoints;
using Switchboard.Transport;

namespace Switchboard.Serving;

/// <summary>What a <see cref="Server"/> listens on, how it runs handlers, and the limits it applies.</summary>
public sealed class ServerOptions
{
    /// <summary>The endpoints to listen on. Stream endpoints need a stream handler, datagram ones a datagram handler.</summary>
    public IList<EndpointUri> Listen { get; } = [];

    /// <summary>Where handler code runs. Defaults to <see cref="ConcurrencyModel.Async"/>.</summary>
    public ConcurrencyModel Model { get; set; } = ConcurrencyModel.Async;

    /// <summary>
    /// Under <see cref="ConcurrencyModel.Async"/> on Linux (or with a <see cref="LoopBackend"/> chosen), how many
    /// event-loop threads serve the connections (each connection stays on one, and its handler's code runs there); 0,
    /// the default, means half the processors, at least one.
    /// Ignored by the other models, and where the async model uses the runtime's socket engine.
    /// </summary>
    public int AsyncLoops { get; set; }

    /// <summary>
    /// How the event loops wait for readiness (the select and sequential models, and the async model's loops).
    /// Defaults to <see cref="LoopBackend.Default"/>: the environment variable <c>SWITCHBOARD_LOOP_BACKEND</c>
    /// (<c>epoll</c> or <c>poll</c>) when set, else epoll on Linux and poll(2) elsewhere. A value set here wins over the
    /// variable. <see cref="LoopBackend.Poll"/> makes the async model run on loops over poll, on Linux too:
    /// the same behaviour at O(sockets) per wake-up, there to test the portable path and to compare.
    /// </summary>
    public LoopBackend LoopBackend { get; set; }

    /// <summary>
    /// Most stream connections served at once. Defaults to 1024 (Redis allows 10,000, ncat 100). Beyond it a new
    /// connection is accepted and closed at once, logged and counted as rejected.
    /// </summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// A connection on which nothing moved either way for this long is closed. Defaults to 5 minutes (Kestrel's
    /// keep-alive timeout is about 2); <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// On stop, how long live connections may go on before they are aborted. Defaults to 5 seconds.
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Replies per second one datagram source may get; 0 turns the limit off. Defaults to 100, with bursts of
    /// <see cref="DatagramReplyBurst"/>: a spoofed source cannot turn the server into an amplifier.
    /// </summary>
    public int DatagramReplyRate { get; set; } = 100;

    /// <summary>Replies one datagram source may get at once before the rate applies. Defaults to 200.</summary>
    public int DatagramReplyBurst { get; set; } = 200;

    /// <summary>A name for logs and the <c>switchboard.service</c> metric attribute, e.g. <c>echo</c>.</summary>
    public string ServiceName { get; set; } = "switchboard";

    /// <summary>Socket options for listeners and accepted connections.</summary>
    public TransportOptions Transport { get; set; } = new();

    /// <summary>
    /// Throws <see cref="ArgumentOutOfRangeException"/> for a value no server can run with, and
    /// <see cref="ArgumentException"/> for a loop backend (here or in <c>SWITCHBOARD_LOOP_BACKEND</c>) that is unknown
    /// or not available on this system.
    /// </summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfNegative(AsyncLoops, nameof(AsyncLoops));
        _ = Switchboard.Transport.Internal.ReadinessBackends.Resolve(LoopBackend); // an unknown or unavailable backend: one clear line
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(DatagramReplyRate, nameof(DatagramReplyRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(DatagramReplyBurst, 1, nameof(DatagramReplyBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(Transport.Backlog, 1, "Transport.Backlog");
    }
}
