using System.Threading.Channels;
using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>
/// One connection's side of the chat: a queue of shared, already encoded lines (<see cref="MemberQueue"/>), drained
/// by the member's own writer loop onto <see cref="Connection.Output"/>, many lines to one socket write. Everything
/// for this member — other members' lines, notices, telnet answers — goes through <see cref="Deliver(ChatMessage)"/>, so only the
/// writer loop ever writes to the socket, and the sender never waits. A member whose queue passes the soft limit for
/// longer than the grace time, or the hard limit, is behind: under <see cref="ChatBehindPolicy.Skip"/> its oldest
/// lines are dropped and it is told how many; under <see cref="ChatBehindPolicy.Disconnect"/> it is told (best
/// effort, after what is already queued), its session stops, and the connection is reset after
/// <see cref="ChatOptions.CloseTimeout"/> if the farewell has not gone by then. A write that makes no progress for
/// <see cref="ChatOptions.WriteDeadline"/> resets the connection under either policy (ChatMember.Limits.cs).
/// </summary>
internal sealed partial class ChatMember : IChatMember, IDisposable
{
    private readonly Connection _connection;
    private readonly ChatOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly CancellationTokenSource _closing = new();

    // The queue and everything about it, guarded by _lock: the senders' Deliver, the writer loop and the limits'
    // timer all meet here, each for a few instructions (copying one write's batch at most).
    private readonly Lock _lock = new();
    private readonly MemberQueue _queue = new();
    private bool _completed;
    private bool _writerWaiting;

    // Wakes the writer loop when it found the queue empty: one item at most, written only by whoever cleared
    // _writerWaiting, so a burst of lines costs one wake-up, not one per line.
    private readonly Channel<bool> _wake = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });

    private int _closed;
    private volatile bool _finished;
    private Task? _writer;

    public ChatMember(Connection connection, ChatOptions options, ChatMetrics metrics)
    {
        _connection = connection;
        _options = options;
        _metrics = metrics;
        _softLimit = Math.Min(options.SoftQueuedBytes, options.MaxQueuedBytes);
    }

    /// <summary>Fires when the member is closing (quit, too slow, server stop, lost connection): stop reading.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>Why the member is leaving when it was not its own doing (<c>too slow</c>); null otherwise.</summary>
    public string? LeaveReason { get; private set; }

    /// <summary>Starts the writer loop beside the session's reading, where the connection's model wants it.</summary>
    public void Start() => _writer = _connection.StartBesideHandler(WriteLoopAsync);

    /// <inheritdoc/>
    public void Deliver(ChatMessage message) => Deliver(new ReadOnlySpan<ChatMessage>(in message));

    /// <inheritdoc/>
    /// <remarks>The limits judge the queue once, after the last of them (as after one line that long).</remarks>
    public void Deliver(ReadOnlySpan<ChatMessage> messages)
    {
        if (messages.IsEmpty || Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        bool wake;
        var verdict = Verdict.Fine;
        var dropped = 0;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }

            foreach (var message in messages)
            {
                _queue.Enqueue(message);
            }

            wake = _writerWaiting;
            _writerWaiting = false;
            if (_queue.Bytes > _softLimit)
            {
                verdict = JudgeLocked(Environment.TickCount64, ref dropped);
            }
        }

        if (wake)
        {
            _wake.Writer.TryWrite(true);
        }

        if (verdict != Verdict.Fine)
        {
            Act(verdict, dropped);
        }
    }

    /// <summary>
    /// Stops the member: <paramref name="farewell"/> (if any) is queued last, past the limits; the writer sends what
    /// is queued, then half-closes; the session's reading stops. Safe to call more than once; the first call wins.
    /// </summary>
    public void Close(ChatMessage? farewell, string? leaveReason = null)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        LeaveReason ??= leaveReason;
        bool wake;
        lock (_lock)
        {
            if (farewell is { } last)
            {
                _queue.Enqueue(last);
            }

            _completed = true;
            wake = _writerWaiting;
            _writerWaiting = false;
        }

        if (wake)
        {
            _wake.Writer.TryWrite(true);
        }

        try
        {
            _closing.Cancel();
        }
        catch (AggregateException)
        {
            // A registration threw; the member is closing regardless.
        }

        // A peer that does not read would hold the writer (and so the slot) forever: reset it after the grace time.
        _ = Task.Delay(_options.CloseTimeout).ContinueWith(
            static (_, state) => ((ChatMember)state!).AbortIfUnfinished(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Waits for the writer loop to end (after <see cref="Close"/>) and marks the member finished.</summary>
    public async ValueTask FinishAsync()
    {
        Close(null);
        try
        {
            await _writer!;
        }
        finally
        {
            _finished = true;
            lock (_lock)
            {
                _queue.Clear(); // a reset connection leaves lines behind; they must not outlive it
                StopTimerLocked();
            }
        }
    }

    public void Dispose()
    {
        _closing.Dispose();
        lock (_lock)
        {
            StopTimerLocked();
        }
    }

    private void AbortIfUnfinished()
    {
        if (!_finished)
        {
            _connection.TrySetCloseReason(CloseReason.Limit);
            _connection.Abort();
        }
    }
}
