using System.Threading.Tasks.Sources;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The readiness of one direction (read or write) of one socket on a <see cref="SelectLoop"/>, and its one pending
/// wait. Every change is one of the named transitions below, made on the loop thread; the table in
/// docs/architecture.md lists them. Backends report with <see cref="Signal"/>; socket calls report their outcome
/// (<see cref="WouldBlock"/>, <see cref="Consumed"/>, <see cref="Failed"/>); the loop begins and ends waits. It is
/// also its wait's reusable awaitable, so waiting allocates nothing (one object per direction, not two: every idle
/// connection holds one).
/// </summary>
/// <remarks>
/// Why "maybe": under an edge-triggered backend an event that finds no wait pending is not repeated, so it is kept
/// until a call proves it stale. A wait that finds the socket maybe ready completes at once; at worst the caller
/// tries once for nothing. A level-triggered backend (poll) follows the same table and only reports more often.
/// </remarks>
internal sealed class ReadinessState : IValueTaskSource<bool>
{
    // Continuations run inline on the loop thread that completes the wait: that thread owns the socket.
    private ManualResetValueTaskSourceCore<bool> _core;
    private Timer? _timeout;
    private bool _endOfStream; // stays readable: no further event will come, so a short read proves nothing

    public ReadinessPhase Phase { get; private set; }

    public bool IsWaiting => Phase == ReadinessPhase.Waiting;

    /// <summary>The version of the pending wait, so a late timeout cannot end a later wait.</summary>
    public short WaitVersion => _core.Version;

    /// <summary>The backend saw the socket ready: a pending wait completes with true (its continuation runs now).</summary>
    public void Signal()
    {
        switch (Phase)
        {
            case ReadinessPhase.Waiting:
                Phase = ReadinessPhase.MaybeReady; // before the continuation runs: it may call back into this state
                Complete(true);
                break;
            case ReadinessPhase.Idle:
                Phase = ReadinessPhase.MaybeReady;
                break;
        }
    }

    /// <summary>The backend saw end of stream or an error: ready, and it stays so (see <see cref="Consumed"/>).</summary>
    public void SignalEndOfStream()
    {
        if (Phase != ReadinessPhase.Closed)
        {
            _endOfStream = true;
        }

        Signal();
    }

    /// <summary>A call said it would block (or a poll with no wait said not ready): only a new event makes it ready.</summary>
    public void WouldBlock()
    {
        if (Phase == ReadinessPhase.MaybeReady)
        {
            Phase = ReadinessPhase.Idle;
        }
    }

    /// <summary>
    /// A call succeeded. <paramref name="mayHaveLeftSome"/>: it filled its buffer, or took one datagram of several, so
    /// more may be there; otherwise (a short stream read) it drained the socket, and the next edge reports new data —
    /// unless the end of stream was seen, which stays readable with no new edge.
    /// </summary>
    public void Consumed(bool mayHaveLeftSome)
    {
        if (Phase is ReadinessPhase.Idle or ReadinessPhase.MaybeReady)
        {
            Phase = mayHaveLeftSome || _endOfStream ? ReadinessPhase.MaybeReady : ReadinessPhase.Idle;
        }
    }

    /// <summary>
    /// A call failed with an error, reported once: the next call reads what follows (a clean end of stream) at once,
    /// without a wait that no event would end.
    /// </summary>
    public void Failed()
    {
        if (Phase == ReadinessPhase.Idle)
        {
            Phase = ReadinessPhase.MaybeReady;
        }
    }

    /// <summary>Idle → Waiting: the next <see cref="Signal"/> (or timeout, cancellation, close) ends the wait.</summary>
    public ValueTask<bool> Arm()
    {
        Phase = ReadinessPhase.Waiting;
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>The timer that ends the pending wait with false.</summary>
    public void SetTimeout(Timer timer) => _timeout = timer;

    /// <summary>Waiting → Idle with false, when <paramref name="version"/> is still the pending wait's.</summary>
    public void TimeOut(short version)
    {
        if (Phase == ReadinessPhase.Waiting && _core.Version == version)
        {
            Phase = ReadinessPhase.Idle;
            Complete(false);
        }
    }

    /// <summary>Waiting → Idle with <paramref name="error"/> (its token was canceled); the socket stays usable.</summary>
    public void Cancel(Exception error)
    {
        if (Phase == ReadinessPhase.Waiting)
        {
            Phase = ReadinessPhase.Idle;
            Fail(error);
        }
    }

    /// <summary>Any → Closed: the socket left the loop; a pending wait fails with <paramref name="error"/>.</summary>
    public void Close(Exception error)
    {
        var wasWaiting = Phase == ReadinessPhase.Waiting;
        Phase = ReadinessPhase.Closed;
        if (wasWaiting)
        {
            Fail(error);
        }
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    // The scheduling context is dropped: waits are armed and completed on the loop thread, which IS that context, and
    // posting to it cost a delegate per completion (the runtime wraps the continuation in a SendOrPostCallback).
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);

    private void Complete(bool ready)
    {
        StopTimer();
        _core.SetResult(ready);
    }

    private void Fail(Exception error)
    {
        StopTimer();
        _core.SetException(error);
    }

    private void StopTimer()
    {
        _timeout?.Dispose();
        _timeout = null;
    }
}

/// <summary>The phases of a <see cref="ReadinessState"/>.</summary>
internal enum ReadinessPhase
{
    /// <summary>Nothing says the socket is ready: a wait arms and the backend's next report ends it.</summary>
    Idle,

    /// <summary>An event (or a call that may have left data) says it may be ready: a wait completes at once.</summary>
    MaybeReady,

    /// <summary>A wait is pending.</summary>
    Waiting,

    /// <summary>The socket has left the loop: waits fail, reports are ignored.</summary>
    Closed,
}
