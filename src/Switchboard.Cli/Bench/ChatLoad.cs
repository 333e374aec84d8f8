using System.Globalization;
using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench chat</c>: fan-out load for any line-relaying chat server. <c>Members</c> connect one after
/// another (reading all the while: a server may block on a member that does not read, and the load must not be
/// that member); the last <c>Senders</c> of them write timestamped lines; every member reads everything as it
/// arrives. Deliveries are the senders' lines members receive during the measured span (server notices such as
/// join announcements are not counted); latency comes from every tenth member on each server, which parses each line's send time;
/// the first member on each server (a probe; member 0 alone with one server) moves each sender's window. The members are plain sockets on one epoll thread
/// (<see cref="EpollChatMembers"/>) or TLS connections on async loops (<see cref="TlsChatMembers"/>: the record
/// layer needs a stream); this is what they share: the measured span, the counts, the live figures, the summary.
/// </summary>
internal sealed class ChatLoad(ChatLoadOptions options, IChatMembers members) : IBenchRun
{
    /// <summary>Every this many members on each server, one samples latency (member 0 among them).</summary>
    public const int SampleEvery = 10;

    /// <summary>
    /// Whether member <paramref name="index"/> samples latency when members are dealt round-robin over
    /// <paramref name="servers"/> servers: every tenth of each server's own, so that a cluster's figure weighs the
    /// members reached through the backplane as much as the target's (every tenth overall would all be on one of two).
    /// </summary>
    public static bool SamplesLatency(int index, int servers) => index / servers % SampleEvery == 0;

    private readonly LongHistogram _latency = LatencyPercentiles.NewHistogram();
    private long _joinStart;
    private long _start;
    private long _measureFrom = long.MaxValue;
    private long _measureUntil = long.MaxValue;
    private long _deliveries;
    private long _sent;
    private int _joined;
    private int _dropped;

    public ChatLoadOptions Options => options;

    /// <summary>When measuring ends (ticks); <see cref="long.MaxValue"/> while members join.</summary>
    public long MeasureUntil => _measureUntil;

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"chat load on {options.Targets}: {options.Members} members, {options.Senders} sending, rate {(options.Rate > 0 ? options.Rate.ToString(CultureInfo.InvariantCulture) : "unlimited")}, window {options.Window}{members.Note}");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        var from = Volatile.Read(ref _measureFrom);
        var measured = BenchClock.ToSeconds(Math.Min(now, Volatile.Read(ref _measureUntil)) - from);
        var deliveries = Volatile.Read(ref _deliveries);
        return
        [
            new("phase", from == long.MaxValue ? "joining" : now < from ? "warmup" : "measuring"),
            new("joined", Volatile.Read(ref _joined).ToString(CultureInfo.InvariantCulture)),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("sent", Volatile.Read(ref _sent).ToString(CultureInfo.InvariantCulture)),
            new("deliveries", deliveries.ToString(CultureInfo.InvariantCulture)),
            new("deliveries/s", measured > 0 ? (deliveries / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
            new("dropped", Volatile.Read(ref _dropped).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<ChatSummary> RunAsync(CancellationToken stop)
    {
        _joinStart = BenchClock.Now;
        _start = _joinStart;
        await members.RunAsync(this, stop);

        var end = Math.Min(BenchClock.Now, _measureUntil);
        var seconds = Math.Max(0, BenchClock.ToSeconds(end - _measureFrom));
        return new ChatSummary(
            options.Targets,
            options.Members,
            options.Senders,
            _joined,
            Math.Round(BenchClock.ToSeconds(_start - _joinStart), 2),
            Math.Round(seconds, 2),
            _sent,
            _deliveries,
            seconds > 0 ? Math.Round(_deliveries / seconds) : 0,
            LatencyPercentiles.From(_latency),
            _dropped);
    }

    /// <summary>Every member has joined: the warmup starts now, then the measured span. Returns now.</summary>
    public long BeginMeasuring()
    {
        _start = BenchClock.Now;
        Volatile.Write(ref _measureUntil, _start + BenchClock.Ticks(options.Warmup + options.Duration));
        Volatile.Write(ref _measureFrom, _start + BenchClock.Ticks(options.Warmup));
        return _start;
    }

    /// <summary>True while <paramref name="now"/> is in the measured span.</summary>
    public bool Measuring(long now) => now >= _measureFrom && now < _measureUntil;

    public void OnJoined() => Volatile.Write(ref _joined, _joined + 1); // members join one after another

    public void OnDropped() => Interlocked.Increment(ref _dropped);

    /// <summary>Lines a member received; from one thread only (the epoll members').</summary>
    public void OnDeliveries(int count, long now)
    {
        if (Measuring(now))
        {
            Volatile.Write(ref _deliveries, _deliveries + count);
        }
    }

    /// <summary>A line a sender started; from one thread only (the epoll members').</summary>
    public void OnSent(long now)
    {
        if (Measuring(now))
        {
            Volatile.Write(ref _sent, _sent + 1);
        }
    }

    /// <summary>A sampled line's delivery latency; from one thread only (the epoll members').</summary>
    public void OnLatency(long latencyTicks, long now)
    {
        if (Measuring(now))
        {
            LatencyPercentiles.Record(_latency, BenchClock.ToNanoseconds(latencyTicks));
        }
    }

    /// <summary>A line a member received, from any thread (the TLS members' loops).</summary>
    public void OnDeliveryFromAnyThread(long now)
    {
        if (Measuring(now))
        {
            Interlocked.Increment(ref _deliveries);
        }
    }

    /// <summary>A line a sender wrote, from any thread (the TLS members' loops).</summary>
    public void OnSentFromAnyThread(long now)
    {
        if (Measuring(now))
        {
            Interlocked.Increment(ref _sent);
        }
    }

    /// <summary>Latencies recorded elsewhere (a TLS member's own histogram), merged once the load has ended.</summary>
    public void AddLatency(LongHistogram latency) => _latency.Add(latency);
}

/// <summary>The members a <see cref="ChatLoad"/> runs: how they join, send and read. Called once a run, never per line.</summary>
internal interface IChatMembers
{
    /// <summary>A note for the title, such as <c>(TLS)</c>, or empty.</summary>
    string Note { get; }

    /// <summary>Joins the members, calls <see cref="ChatLoad.BeginMeasuring"/>, and drives them until the span ends or <paramref name="stop"/> fires.</summary>
    Task RunAsync(ChatLoad load, CancellationToken stop);
}
