using System.Diagnostics.Metrics;

namespace Switchboard.Chat.Internal;

/// <summary>
/// The chat's instruments on the <c>Switchboard</c> meter: members now, lines relayed, queue overflows (members
/// dropped as too slow), lines dropped for members behind. Counts only; no nick or address ever goes into an attribute.
/// </summary>
internal sealed class ChatMetrics : IDisposable
{
    public const string MeterName = "Switchboard";

    private static readonly KeyValuePair<string, object?> Service = new("switchboard.service", "chat");

    private readonly UpDownCounter<long> _members;
    private readonly Counter<long> _messages;
    private readonly Counter<long> _overflows;
    private readonly Counter<long> _dropped;

    private readonly bool _ownsMeter;

    /// <summary>The meter comes from <paramref name="factory"/> when given (which then owns it), else is our own.</summary>
    public ChatMetrics(IMeterFactory? factory = null)
    {
        _ownsMeter = factory is null;
        Meter = factory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _members = Meter.CreateUpDownCounter<long>("switchboard.chat.members", "{member}", "Chat members registered now.");
        _messages = Meter.CreateCounter<long>("switchboard.chat.messages", "{message}", "Lines members sent to a room or to one member.");
        _overflows = Meter.CreateCounter<long>("switchboard.chat.queue_overflows", "{member}", "Members disconnected as too slow: behind under the disconnect policy, or no write progress within the write deadline.");
        _dropped = Meter.CreateCounter<long>("switchboard.chat.lines_dropped", "{line}", "Lines dropped from the queues of members that were behind (the skip policy).");
    }

    public Meter Meter { get; }

    public void MemberJoined() => _members.Add(1, Service);

    public void MemberLeft() => _members.Add(-1, Service);

    public void MessageSent() => _messages.Add(1, Service);

    public void QueueOverflowed() => _overflows.Add(1, Service);

    public void LinesDropped(int lines) => _dropped.Add(lines, Service);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
