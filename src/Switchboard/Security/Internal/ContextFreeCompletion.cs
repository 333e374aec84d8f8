using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Switchboard.Security.Internal;

/// <summary>
/// Hands an inner read's or write's completion to <see cref="System.Net.Security.SslStream"/> with no
/// <see cref="SynchronizationContext"/> current. An event loop completes socket waits on its own thread, where its
/// context is current; the runtime then refuses to run a <c>ConfigureAwait(false)</c> continuation of a
/// <see cref="Task"/> inline there, so each <c>Task</c> that SslStream's handshake awaits internally would finish on
/// the thread pool, and every socket call after it would hop back to the loop. With no context current the whole
/// chain runs on the loop, up to SslStream's next wait. Code that captured the loop's context (a handler) is still
/// posted to it, as before. One outstanding operation at a time: SslStream has at most one read and one write.
/// </summary>
internal sealed class ContextFreeCompletion : IValueTaskSource<int>, IValueTaskSource
{
    private readonly Action _onReadCompleted;
    private readonly Action _onWriteCompleted;
    private ManualResetValueTaskSourceCore<int> _core; // continuations run inline, where the inner operation completed
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _read;
    private ConfiguredValueTaskAwaitable.ConfiguredValueTaskAwaiter _write;

    public ContextFreeCompletion()
    {
        _onReadCompleted = OnReadCompleted;
        _onWriteCompleted = OnWriteCompleted;
    }

    public ValueTask<int> Track(ValueTask<int> read)
    {
        if (read.IsCompleted)
        {
            return read;
        }

        _core.Reset();
        var version = _core.Version;
        _read = read.ConfigureAwait(false).GetAwaiter();
        _read.UnsafeOnCompleted(_onReadCompleted);
        return new ValueTask<int>(this, version);
    }

    public ValueTask Track(ValueTask write)
    {
        if (write.IsCompleted)
        {
            return write;
        }

        _core.Reset();
        var version = _core.Version;
        _write = write.ConfigureAwait(false).GetAwaiter();
        _write.UnsafeOnCompleted(_onWriteCompleted);
        return new ValueTask(this, version);
    }

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void OnReadCompleted()
    {
        var read = _read;
        _read = default;
        int n;
        try
        {
            n = read.GetResult();
        }
        catch (Exception e)
        {
            Finish(e, 0);
            return;
        }

        Finish(null, n);
    }

    private void OnWriteCompleted()
    {
        var write = _write;
        _write = default;
        try
        {
            write.GetResult();
        }
        catch (Exception e)
        {
            Finish(e, 0);
            return;
        }

        Finish(null, 0);
    }

    private void Finish(Exception? error, int result)
    {
        var outer = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            if (error is null)
            {
                _core.SetResult(result);
            }
            else
            {
                _core.SetException(error);
            }
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(outer);
        }
    }
}
