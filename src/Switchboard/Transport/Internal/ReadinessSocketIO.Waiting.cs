using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Switchboard.Transport.Internal;

/// <summary>Waits for readiness: timed waits for input, and cancellation tokens kept per direction.</summary>
internal sealed partial class ReadinessSocketIO
{
    private static readonly Action<object?, CancellationToken> OnReadCanceled = (io, token) => ((ReadinessSocketIO)io!).Canceled(forWrite: false, token);
    private static readonly Action<object?, CancellationToken> OnWriteCanceled = (io, token) => ((ReadinessSocketIO)io!).Canceled(forWrite: true, token);

    // Made when a wait first watches a token other than the abort token: most connections never do, and every idle
    // one would hold the four fields (48 bytes).
    private TokenWatch? _watch;

    public override ValueTask<bool> WaitForReadableAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!IsInfinite(timeout) || !_loop.IsOnLoopThread)
        {
            return WaitForReadableSlowAsync(timeout, cancellationToken);
        }

        try
        {
            return WaitAsync(forWrite: false, timeout, cancellationToken);
        }
        catch (Exception e)
        {
            // Through the task, as the runtime's engine reports it: Connection.WaitForInputAsync is public.
            return ValueTask.FromException<bool>(e);
        }
    }

    public override bool WaitsWithCallback => _loop.IsOnLoopThread;

    public override bool TryWaitForReadable(Action<object?> onReadable, object state, CancellationToken cancellationToken)
    {
        var pending = WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken);
        if (pending.IsCompleted)
        {
            pending.GetAwaiter().GetResult(); // maybe ready, or canceled as it was armed (which throws)
            return true;
        }

        // The state's own continuation slot: the callback and its state are all a waiting reader keeps.
        var readable = _registration.Readable;
        readable.OnCompleted(onReadable, state, readable.WaitVersion, ValueTaskSourceOnCompletedFlags.None);
        return false;
    }

    public override void EndReadableWait()
    {
        var readable = _registration.Readable;
        _ = readable.GetResult(readable.WaitVersion);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitForReadableSlowAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _loop.Enter();
        if (IsInfinite(timeout))
        {
            return await WaitAsync(forWrite: false, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (_registration.IsSocketClosed)
        {
            // Aborted: fail like the untimed wait does, rather than "readable" from the poll below.
            throw new SocketException((int)SocketError.OperationAborted);
        }

        // A maybe-ready state ends a wait at once, and it stays so after a read that filled its buffer even when that
        // read took the last byte (a stray report for a reused slot does it too). A timed wait answers only for a
        // socket that is readable now; otherwise the state hears "would block" (the next bytes bring an event) and
        // it really waits.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (IsReadableNow())
            {
                return true;
            }

            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return false;
            }

            _registration.Readable.WouldBlock();
            if (!await WaitAsync(forWrite: false, remaining, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private ValueTask<bool> WaitAsync(bool forWrite, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_registration.IsSocketClosed)
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }

        // The owner's abort token needs no registration: the abort closes this socket on the loop, which ends the wait
        // (a callback node and its list per connection, kept for its life, otherwise).
        if (!cancellationToken.CanBeCanceled || cancellationToken == AbortedWith)
        {
            return _loop.WaitAsync(_registration, forWrite, timeout);
        }

        Watch(forWrite, cancellationToken);
        var pending = _loop.WaitAsync(_registration, forWrite, timeout);

        // Canceled on another thread after the check above but before the wait was armed: the registration's callback
        // found nothing pending and did nothing, so end the wait here.
        if (cancellationToken.IsCancellationRequested && !pending.IsCompleted)
        {
            _loop.Cancel(_registration, forWrite, new OperationCanceledException(cancellationToken));
        }

        return pending;
    }

    // One registration per direction, kept while calls reuse the token (a connection passes its abort token to every
    // call): registering per wait allocated a closure, a callback node and a state machine per message.
    private void Watch(bool forWrite, CancellationToken token)
    {
        var watch = _watch ??= new TokenWatch();
        ref var watched = ref forWrite ? ref watch.WriteToken : ref watch.ReadToken;
        if (token == watched)
        {
            return;
        }

        ref var registration = ref forWrite ? ref watch.WriteCancel : ref watch.ReadCancel;
        registration.Dispose();
        watched = token;
        registration = token.UnsafeRegister(forWrite ? OnWriteCanceled : OnReadCanceled, this);
    }

    private void Canceled(bool forWrite, CancellationToken token) => _loop.Execute(() =>
    {
        // Only a wait that is pending under this very token ends; a token a later wait no longer uses is ignored.
        var watched = forWrite ? _watch?.WriteToken : _watch?.ReadToken;
        if (watched == token)
        {
            _loop.Cancel(_registration, forWrite, new OperationCanceledException(token));
        }
    });

    private void StopWatching()
    {
        _watch?.ReadCancel.Dispose();
        _watch?.WriteCancel.Dispose();
    }

    /// <summary>The tokens the waits of each direction watch, and their registrations.</summary>
    private sealed class TokenWatch
    {
        public CancellationToken ReadToken;
        public CancellationToken WriteToken;
        public CancellationTokenRegistration ReadCancel;
        public CancellationTokenRegistration WriteCancel;
    }
}
