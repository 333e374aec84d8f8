using System.Diagnostics.Metrics;

namespace Switchboard.Chat.Redis.Internal;

/// <summary>
/// The backplane's instruments on the <c>Switchboard</c> meter: lines published, dropped before Redis (the
/// publish queue full, or Redis unreachable), received from other servers, and found missing by sequence.
/// </summary>
internal sealed class BackplaneMetrics : IDisposable
{
    // The server's name for why something went unserved (its ServerMetrics.DropReasonAttribute, internal there).
    private const string DropReasonAttribute = "switchboard.drop.reason";
    private static readonly KeyValuePair<string, object?> QueueFull = new(DropReasonAttribute, "queue_full");
    private static readonly KeyValuePair<string, object?> Unreachable = new(DropReasonAttribute, "unreachable");

    private readonly bool _ownsMeter;
    private readonly Meter _meter;
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _received;
    private readonly Counter<long> _missed;

    public BackplaneMetrics(IMeterFactory? factory, Func<long> pending)
    {
        _ownsMeter = factory is null;
        _meter = factory?.Create(new MeterOptions("Switchboard")) ?? new Meter("Switchboard");
        _published = _meter.CreateCounter<long>("switchboard.chat.backplane.published", "{message}", "Lines this server published to Redis.");
        _dropped = _meter.CreateCounter<long>("switchboard.chat.backplane.dropped", "{message}", "Lines never published: the publish queue was full (switchboard.drop.reason=queue_full) or Redis unreachable (switchboard.drop.reason=unreachable).");
        _received = _meter.CreateCounter<long>("switchboard.chat.backplane.received", "{message}", "Lines received from other servers.");
        _missed = _meter.CreateCounter<long>("switchboard.chat.backplane.missed", "{message}", "Lines of other servers found missing by their sequence numbers.");
        _meter.CreateObservableUpDownCounter("switchboard.chat.backplane.pending", pending, "{message}", "Lines waiting to be published.");
    }

    public void Published(int count) => _published.Add(count);

    public void DroppedQueueFull() => _dropped.Add(1, QueueFull);

    public void DroppedUnreachable(int count) => _dropped.Add(count, Unreachable);

    public void Received() => _received.Add(1);

    public void Missed(long count) => _missed.Add(count);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
