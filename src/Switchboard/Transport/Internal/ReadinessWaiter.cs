using System.Threading.Tasks.Sources;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The reusable awaitable behind one <see cref="ReadinessState"/>: waiting allocates nothing. It knows nothing of
/// readiness; its state decides when it is armed and completed.
/// </summary>
internal sealed class ReadinessWaiter : IValueTaskSource<bool>
{
    // Continuations run inline on the loop thread that completes the waiter: that thread owns the socket.
    private ManualResetValueTaskSourceCore<bool> _core;
    private Timer? _timeout;

    public short Version => _core.Version;

    public ValueTask<bool> Arm()
    {
        _core.Reset();
        return new ValueTask<bool>(this, _core.Version);
    }

    /// <summary>The timer that ends this wait; disposed when the wait ends either way.</summary>
    public void SetTimeout(Timer timer) => _timeout = timer;

    public void Complete(bool ready)
    {
        StopTimer();
        _core.SetResult(ready);
    }

    public void Fail(Exception error)
    {
        StopTimer();
        _core.SetException(error);
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    // The scheduling context is dropped: waits are armed and completed on the loop thread, which IS that context, and
    // posting to it cost a delegate per completion (the runtime wraps the continuation in a SendOrPostCallback).
    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);

    private void StopTimer()
    {
        _timeout?.Dispose();
        _timeout = null;
    }
}
