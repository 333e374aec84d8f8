using System.Threading.Tasks.Sources;

namespace Switchboard.Transport.Internal;

/// <summary>
/// One reusable awaitable for "this socket became readable/writable" on a <see cref="SelectLoop"/>. A socket has
/// one for reading and one for writing, so waiting allocates nothing.
/// </summary>
internal sealed class ReadinessWaiter : IValueTaskSource<bool>
{
    // Continuations run inline on the loop thread that completes the waiter: that thread owns the socket.
    private ManualResetValueTaskSourceCore<bool> _core;
    private Timer? _timeout;

    public bool IsPending { get; private set; }

    public short Version => _core.Version;

    /// <summary>
    /// Under epoll (edge-triggered), "the socket may be ready": set by every event and by the socket's owner after a
    /// call that may have left data behind; cleared only when a call says otherwise (it would block, or a stream read
    /// came back short). A wait that finds it set completes at once, so an edge is never lost, even when a wait only
    /// checked readiness and nothing was read; at worst the caller tries once for nothing.
    /// </summary>
    public bool MaybeReady { get; set; }

    public ValueTask<bool> Arm()
    {
        _core.Reset();
        IsPending = true;
        return new ValueTask<bool>(this, _core.Version);
    }

    public void SetTimeout(Timer timer) => _timeout = timer;

    /// <summary>An epoll event: remembers the readiness and completes the pending wait, if any.</summary>
    public void Signal()
    {
        MaybeReady = true;
        Complete(true);
    }

    public void Complete(bool ready)
    {
        if (Disarm())
        {
            _core.SetResult(ready);
        }
    }

    public void Fail(Exception error)
    {
        if (Disarm())
        {
            _core.SetException(error);
        }
    }

    public bool GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private bool Disarm()
    {
        if (!IsPending)
        {
            return false;
        }

        IsPending = false;
        _timeout?.Dispose();
        _timeout = null;
        return true;
    }
}
