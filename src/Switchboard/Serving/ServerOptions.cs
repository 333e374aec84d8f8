using System.Diagnostics.Metrics;
using Switchboard.Endpoints;
using Switchboard.Options;
using Switchboard.Transport;

namespace Switchboard.Serving;

/// <summary>What a <see cref="Server"/> listens on, how it runs handlers, and the limits it applies.</summary>
public sealed class ServerOptions
{
    /// <summary>The endpoints to listen on. Stream endpoints need a stream handler, datagram ones a datagram handler.</summary>
    public IList<EndpointUri> Listen { get; } = [];

    /// <summary>
    /// Listening sockets handed to this process rather than bound by it, adopted at <see cref="Server.Start"/> beside
    /// <see cref="Listen"/>: <c>fd://3</c>, or <c>systemd:NAME</c> / <c>systemd:</c> for systemd socket activation
    /// (<see cref="Systemd.SocketActivation"/>). Each socket's kind and address are read from the descriptor. A
    /// descriptor named twice is adopted once. Adoption takes the descriptor over: after a failed start it is closed.
    /// </summary>
    public IList<ActivationUri> InheritedListeners { get; } = [];

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
    /// Most stream connections served at once from one IP address; 0, the default, means no such limit (the whole
    /// server's <see cref="MaxConnections"/> still applies). Beyond it a new connection from that address is closed at
    /// accept, logged and counted as rejected. xinetd suggests 10, ngircd allows 5: worth setting on a public address,
    /// where one host could otherwise take every slot; off by default because clients behind one NAT share an address.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; }

    /// <summary>
    /// Descriptors kept free below the open-file limit (RLIMIT_NOFILE) for the runtime and the application: the
    /// connections actually served are at most the limit, less those open at start, less the larger of this and a
    /// tenth of the limit. Defaults to 64. When <see cref="MaxConnections"/> cannot fit, it is lowered and a warning
    /// logged once at start. Without the reserve the runtime's own calls (a new thread, a read of /proc) get EMFILE
    /// and abort the process. 0 turns the cap off.
    /// </summary>
    public int DescriptorReserve { get; set; } = 64;

    /// <summary>
    /// At start, raise the soft open-file limit to the hard limit. Defaults to false: the limit is the whole process's,
    /// and an application that embeds the server may have lowered it on purpose (the runtime itself raises it when the
    /// process starts). The <c>switchboard</c> tool, which owns its process, turns it on.
    /// </summary>
    public bool RaiseDescriptorLimit { get; set; }

    /// <summary>
    /// When the server is full, a newcomer takes the slot of the connection whose line (or frame) has been unfinished
    /// longest, if longer than this; otherwise the newcomer is closed. Defaults to 2 seconds. This is what keeps a
    /// slowloris attack (connections that dribble a byte now and then) from locking everyone out until their
    /// line timeout: the dribblers hold every slot, but each newcomer replaces the oldest of them. A client between
    /// lines is never evicted. Only handlers that mark their messages (<see cref="Connection.BeginMessage"/>: the
    /// timestamp service, <see cref="Framing.FrameReader"/> on a connection) are candidates.
    /// <see cref="TimeSpan.Zero"/> turns eviction off.
    /// </summary>
    public TimeSpan EvictionGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When true, the listeners stop accepting while <see cref="MaxConnections"/> connections are served, and newcomers
    /// wait in the kernel's backlog until a slot frees, instead of being evicted or accepted and closed. Defaults to
    /// false: for the classic services a connection is cheap and a full server should say so at once. Turn it on
    /// where each connection is expensive to start and pointless to start only to close (a process per connection,
    /// as inetd's <c>max</c> and systemd's <c>MaxConnections=</c> for <c>Accept=yes</c> behave). The danger is the
    /// one the eviction answers: clients that hold their slots idle leave newcomers waiting, until the backlog
    /// (<see cref="TransportOptions.Backlog"/>) is full and the kernel refuses them; keep <see cref="IdleTimeout"/> on.
    /// </summary>
    public bool PauseAcceptingAtLimit { get; set; }

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

    /// <summary>
    /// Where the server's <c>Switchboard</c> meter comes from (the .NET convention: pass the host's
    /// <see cref="IMeterFactory"/>, e.g. from dependency injection). The factory owns the meter and disposes it.
    /// Defaults to null: the server makes a meter of its own, disposed when it stops, which
    /// <c>dotnet-counters monitor --counters Switchboard</c> reads all the same.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>A name for logs and the <c>switchboard.service</c> metric attribute, e.g. <c>echo</c>.</summary>
    public string ServiceName { get; set; } = "switchboard";

    /// <summary>Socket options for listeners and accepted connections.</summary>
    public TransportOptions Transport { get; set; } = new();

    /// <summary>
    /// TLS for the <c>tls://</c> endpoints of <see cref="Listen"/> (all of them share it): the certificate, client
    /// certificates, ALPN and the handshake deadline. Required when a tls:// endpoint is listed; null (default)
    /// otherwise.
    /// </summary>
    public Security.TlsServerOptions? Tls { get; set; }

    /// <summary>
    /// Throws <see cref="OptionOutOfRangeException"/> (an <see cref="ArgumentOutOfRangeException"/>) naming the option
    /// for a value no server can run with: counts from their least (0 or 1) to <see cref="OptionLimits.LargestCount"/>
    /// (<see cref="AsyncLoops"/> to <see cref="MostAsyncLoops"/>), durations from 0 to
    /// <see cref="OptionLimits.LongestDuration"/>, socket buffers to <see cref="OptionLimits.LargestBytes"/>; and
    /// <see cref="ArgumentException"/> for a loop backend (here or in <c>SWITCHBOARD_LOOP_BACKEND</c>) that is unknown
    /// or not available on this system, or a tls:// endpoint without <see cref="Tls"/>. <see cref="Server.Start"/> calls it.
    /// </summary>
    public void Validate()
    {
        ServerLimits.From(this).Validate(); // the limits that may change while running: one set of rules for both
        Count(AsyncLoops, 0, nameof(AsyncLoops), MostAsyncLoops);
        _ = Switchboard.Transport.Internal.ReadinessBackends.Resolve(LoopBackend); // an unknown or unavailable backend: one clear line
        Count(DescriptorReserve, 0, nameof(DescriptorReserve));
        Count(Transport.Backlog, 1, "Transport.Backlog");
        Count(Transport.DatagramBatchSize, 1, "Transport.DatagramBatchSize", TransportOptions.MostDatagramBatchSize);
        if (Transport.SendBufferSize is { } send)
        {
            Count(send, 1, "Transport.SendBufferSize", OptionLimits.LargestBytes);
        }

        if (Transport.ReceiveBufferSize is { } receive)
        {
            Count(receive, 1, "Transport.ReceiveBufferSize", OptionLimits.LargestBytes);
        }

        if (Listen.Any(e => e.Kind == TransportKind.Tls))
        {
            if (Tls is null)
            {
                throw new ArgumentException("a tls:// endpoint needs TLS settings (ServerOptions.Tls: a certificate)");
            }

            Tls.Validate();
        }
    }

    /// <summary>The most <see cref="AsyncLoops"/>: more loops than cores only add contention, and each holds a thread and two descriptors.</summary>
    public const int MostAsyncLoops = 1024;

    private static void Count(int value, int min, string name, int max = OptionLimits.LargestCount) =>
        OptionOutOfRangeException.ThrowIfOutOfRange(value, min, max, name);
}
