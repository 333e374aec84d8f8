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
    /// Under <see cref="ConcurrencyModel.Async"/> on Linux, how many event-loop threads serve the connections (each
    /// connection stays on one, and its handler's code runs there); 0, the default, means half the processors, at
    /// least one.
    /// Ignored by the other models and on other systems.
    /// </summary>
    public int AsyncLoops { get; set; }

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
    /// Replies per second one datagram source address may get; 0 turns the limit off. Defaults to 100, with bursts
    /// of <see cref="DatagramReplyBurst"/>: a spoofed source cannot turn the server into an amplifier. The limit is
    /// exact at any rate (tokens refill continuously, not in steps), and its state is a fixed table of 65,536
    /// sources (1.5 MiB) however many addresses send: a new source whose share of the table is busy gets no
    /// reply until a slot has refilled, so a flood of new sources cannot reset a victim's bucket.
    /// </summary>
    public int DatagramReplyRate { get; set; } = 100;

    /// <summary>Replies one datagram source may get at once before the rate applies. Defaults to 200.</summary>
    public int DatagramReplyBurst { get; set; } = 200;

    /// <summary>
    /// Whether <see cref="DatagramReplyRate"/> applies to local sources too: loopback addresses (127.0.0.0/8, ::1)
    /// and Unix datagram sockets. Defaults to false: the limit guards against reflection, which needs a spoofed
    /// source address, and the kernel delivers nothing from a loopback address or a Unix socket that did not come
    /// from this host. A local client that sends 300 lines gets 300 replies.
    /// </summary>
    public bool DatagramReplyLimitLoopback { get; set; }

    /// <summary>A name for logs and the <c>switchboard.service</c> metric attribute, e.g. <c>echo</c>.</summary>
    public string ServiceName { get; set; } = "switchboard";

    /// <summary>Socket options for listeners and accepted connections.</summary>
    public TransportOptions Transport { get; set; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a value no server can run with.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1, nameof(MaxConnections));
        ArgumentOutOfRangeException.ThrowIfNegative(AsyncLoops, nameof(AsyncLoops));
        ArgumentOutOfRangeException.ThrowIfLessThan(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(DrainTimeout, TimeSpan.Zero, nameof(DrainTimeout));
        ArgumentOutOfRangeException.ThrowIfNegative(DatagramReplyRate, nameof(DatagramReplyRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(DatagramReplyBurst, 1, nameof(DatagramReplyBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(Transport.Backlog, 1, "Transport.Backlog");
    }
}
