using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>
/// When a member is behind, and what follows (<see cref="ChatOptions.BehindPolicy"/>); and the write deadline. One
/// timer per member, made the first time it is needed and armed only for the next thing to check (the end of the
/// soft limit's grace, the deadline of the write under way), so a member that keeps up costs no timer work beyond
/// one re-arm per write deadline. A member is behind only while its socket pushes back (its writer's last write
/// did not go at once): a queue that grew because the server fanned a burst out before the member's writer ran,
/// or because the writer waits for a CPU, says nothing about the member, and a reader that reads steadily never
/// loses a line to it. Such a queue is still held to twice the hard limit (<see cref="UnpushedCeiling"/>). Under
/// the threads model a write blocks its thread and cannot tell, so any write under way counts as a push-back.
/// </summary>
internal sealed partial class ChatMember
{
    private readonly long _softLimit;

    // Under _lock. Times are Environment.TickCount64 ms; 0: none.
    private long _softSince;     // when the queue went above the soft limit
    private long _writeStarted;  // when the write under way began
    private long _timerDue;      // when the timer is armed for
    private int _dropped;        // lines dropped since the member was last told
    private bool _condemned;     // found behind (disconnect) or stuck once: the member is going, judge it no more
    private bool _pushedBack;    // the write under way did not complete at once: the member's socket is full
    private Timer? _timer;

    private enum Verdict
    {
        Fine,
        Skipped,
        Behind,
        Stalled,
    }

    /// <summary>
    /// Under the lock, with the queue above the soft limit: is the member behind? Under skip, the oldest lines go
    /// at once (down to half the soft limit, so it is not behind again at the next line) and are counted in
    /// <paramref name="dropped"/>.
    /// </summary>
    private Verdict JudgeLocked(long now, ref int dropped)
    {
        if (_queue.Bytes <= _options.MaxQueuedBytes)
        {
            if (_softSince == 0)
            {
                _softSince = now;
                ArmLocked(now, _options.SoftQueueGrace);
                return Verdict.Fine;
            }

            if (now - _softSince < (long)_options.SoftQueueGrace.TotalMilliseconds)
            {
                return Verdict.Fine;
            }
        }

        if (!_pushedBack && _queue.Bytes <= UnpushedCeiling)
        {
            return Verdict.Fine; // its socket takes everything: the writer is late, not the member (judged at the next push-back)
        }

        if (_options.BehindPolicy == ChatBehindPolicy.Disconnect)
        {
            if (_condemned)
            {
                return Verdict.Fine;
            }

            _condemned = true;
            return Verdict.Behind;
        }

        dropped = _queue.DropOldestUntil(_softLimit / 2);
        _dropped += dropped;
        EndSoftLocked();
        return Verdict.Skipped;
    }

    /// <summary>
    /// How far a queue may grow while the member's socket still takes everything: twice the hard limit, a bound
    /// on memory when the server's own writers fall behind its readers (a starved CPU), never reached by a burst.
    /// </summary>
    private long UnpushedCeiling => 2L * _options.MaxQueuedBytes;

    /// <summary>The writer's write did not complete at once: the member is judged now, as its socket is full.</summary>
    private void PushedBack()
    {
        var verdict = Verdict.Fine;
        var dropped = 0;
        lock (_lock)
        {
            _pushedBack = true;
            if (_queue.Bytes > _softLimit && !_finished && !_completed)
            {
                verdict = JudgeLocked(Environment.TickCount64, ref dropped);
            }
        }

        if (verdict != Verdict.Fine)
        {
            Act(verdict, dropped);
        }
    }

    /// <summary>Under the lock: the queue is back under the soft limit, its grace starts again next time.</summary>
    private void EndSoftLocked()
    {
        if (_queue.Bytes <= _softLimit)
        {
            _softSince = 0;
        }
    }

    /// <summary>Under the lock, as a write begins: its deadline is watched.</summary>
    private void BeginWriteLocked()
    {
        var now = Environment.TickCount64;
        _writeStarted = now;
        _pushedBack = _connection.WritesBlock; // a blocking write cannot say it waited: while under way, it may be
        if (WriteDeadlineOn)
        {
            ArmLocked(now, _options.WriteDeadline);
        }
    }

    private bool WriteDeadlineOn => _options.WriteDeadline > TimeSpan.Zero && _options.WriteDeadline != Timeout.InfiniteTimeSpan;

    /// <summary>Under the lock: the timer fires at <paramref name="after"/> from now, unless it fires sooner already.</summary>
    private void ArmLocked(long now, TimeSpan after)
    {
        var due = now + (long)Math.Max(after.TotalMilliseconds, 1);
        if (_finished || (_timerDue != 0 && _timerDue <= due))
        {
            return;
        }

        _timerDue = due;
        _timer ??= new Timer(static state => ((ChatMember)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        _timer.Change(due - now, Timeout.Infinite);
    }

    private void StopTimerLocked()
    {
        _timerDue = 0;
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>On the timer: the grace has passed with the queue still over the soft limit, or a write is stuck.</summary>
    private void OnTimer()
    {
        var verdict = Verdict.Fine;
        var dropped = 0;
        lock (_lock)
        {
            _timerDue = 0;
            if (_finished || _completed)
            {
                return;
            }

            var now = Environment.TickCount64;
            if (_writeStarted != 0 && WriteDeadlineOn)
            {
                var late = now - _writeStarted;
                var deadline = (long)_options.WriteDeadline.TotalMilliseconds;
                if (late >= deadline)
                {
                    if (_condemned)
                    {
                        return;
                    }

                    _condemned = true;
                    verdict = Verdict.Stalled;
                }
                else
                {
                    ArmLocked(now, TimeSpan.FromMilliseconds(deadline - late));
                }
            }

            if (verdict == Verdict.Fine && _softSince != 0)
            {
                if (_queue.Bytes <= _softLimit)
                {
                    _softSince = 0;
                }
                else
                {
                    verdict = JudgeLocked(now, ref dropped);
                    if (verdict == Verdict.Fine && now - _softSince < (long)_options.SoftQueueGrace.TotalMilliseconds)
                    {
                        ArmLocked(now, TimeSpan.FromMilliseconds(_softSince + (long)_options.SoftQueueGrace.TotalMilliseconds - now));
                    }
                }
            }
        }

        if (verdict != Verdict.Fine)
        {
            Act(verdict, dropped);
        }
    }

    /// <summary>Outside the lock: counts what was skipped, or ends a member that is behind or stuck.</summary>
    private void Act(Verdict verdict, int dropped)
    {
        switch (verdict)
        {
            case Verdict.Skipped:
                _metrics.LinesDropped(dropped);
                break;
            case Verdict.Behind:
                _metrics.QueueOverflowed();
                _connection.TrySetCloseReason(CloseReason.Limit);
                Close(ChatFormat.TooSlow(_options.MaxQueuedBytes, _softLimit, _options.SoftQueueGrace), "too slow");
                break;
            case Verdict.Stalled:
                // Nothing moves: no farewell could reach it, and its slot and queue are freed now.
                _metrics.QueueOverflowed();
                _connection.TrySetCloseReason(CloseReason.Limit);
                Close(null, "not reading");
                _connection.Abort();
                break;
        }
    }
}
