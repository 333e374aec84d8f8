using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Non-blocking calls on a <see cref="SelectLoop"/>'s thread: try the call, and when it would block, wait for the
/// loop to see the socket ready and try again. The select model, the async model's connections on Linux, and the
/// listeners of the sequential model. A call made on another thread moves to the loop first (see
/// <see cref="SelectLoop.Enter"/>), so the readiness flags and waits are only ever touched by the loop.
/// </summary>
internal sealed class ReadinessSocketIO : SocketIO
{
    private readonly SelectLoop _loop;
    private readonly ReadinessRegistration _registration;
    private readonly bool _isStream;
    private readonly nint _directDescriptor; // a stream socket on Linux: receive and send with LinuxSocketCalls
    private static readonly Action<object?, CancellationToken> OnReadCanceled = (io, token) => ((ReadinessSocketIO)io!).Canceled(forWrite: false, token);
    private static readonly Action<object?, CancellationToken> OnWriteCanceled = (io, token) => ((ReadinessSocketIO)io!).Canceled(forWrite: true, token);
    private CancellationToken _readToken;
    private CancellationToken _writeToken;
    private CancellationTokenRegistration _readCancel;
    private CancellationTokenRegistration _writeCancel;

    public ReadinessSocketIO(Socket socket, SelectLoop loop) : base(socket)
    {
        _loop = loop;
        _registration = new ReadinessRegistration(socket);
        _isStream = socket.SocketType == SocketType.Stream;
        socket.Blocking = false;
        _directDescriptor = _isStream && OperatingSystem.IsLinux() ? socket.SafeHandle.DangerousGetHandle() : -1;
    }

    /// <summary>The loop that owns this socket.</summary>
    public SelectLoop Loop => _loop;

    /// <summary>True: an idle connection waits for readiness with no buffer, and the loop reports it in the same turn.</summary>
    public override bool WaitsBeforeRenting => true;

    public override async ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        await _loop.Enter();
        while (true)
        {
            try
            {
                return Socket.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                _registration.Readable.MaybeReady = false;
                await WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // The common case, data there and the call made on the loop, completes without an async state machine.
        if (_loop.IsOnLoopThread)
        {
            var n = TryReceive(buffer.Span, out var error);
            if (error == SocketError.Success)
            {
                return new ValueTask<int>(Received(n, buffer.Length));
            }

            if (error != SocketError.WouldBlock)
            {
                // Reported once: a second receive after a reset would read a clean end of stream instead.
                _registration.Readable.MaybeReady = true;
                return ValueTask.FromException<int>(new SocketException((int)error));
            }

            _registration.Readable.MaybeReady = false;
            return ReceiveSlowAsync(buffer, wouldBlock: true, cancellationToken);
        }

        return ReceiveSlowAsync(buffer, wouldBlock: false, cancellationToken);
    }

    // wouldBlock: the fast path just got EAGAIN on the loop, so wait before trying again (not a second system call).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveSlowAsync(Memory<byte> buffer, bool wouldBlock, CancellationToken cancellationToken)
    {
        await _loop.Enter();
        if (wouldBlock)
        {
            await WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            var n = TryReceive(buffer.Span, out var error);
            if (error == SocketError.Success)
            {
                return Received(n, buffer.Length);
            }

            if (error != SocketError.WouldBlock)
            {
                _registration.Readable.MaybeReady = true;
                throw new SocketException((int)error);
            }

            _registration.Readable.MaybeReady = false;
            await WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        // The common case, the kernel takes it all at once, completes without an async state machine.
        if (_loop.IsOnLoopThread)
        {
            var n = TrySend(buffer.Span, out var error);
            if (error == SocketError.Success)
            {
                if (n == buffer.Length)
                {
                    return default;
                }

                buffer = buffer[n..];
            }
            else if (error != SocketError.WouldBlock)
            {
                return ValueTask.FromException(new SocketException((int)error));
            }
            else
            {
                _registration.Writable.MaybeReady = false;
                return SendSlowAsync(buffer, wouldBlock: true, cancellationToken);
            }
        }

        return SendSlowAsync(buffer, wouldBlock: false, cancellationToken);
    }

    // wouldBlock: the fast path just got EAGAIN on the loop, so wait before trying again (not a second system call).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendSlowAsync(ReadOnlyMemory<byte> buffer, bool wouldBlock, CancellationToken cancellationToken)
    {
        await _loop.Enter();
        if (wouldBlock)
        {
            await WaitAsync(forWrite: true, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }

        while (!buffer.IsEmpty)
        {
            var n = TrySend(buffer.Span, out var error);
            if (error == SocketError.Success)
            {
                buffer = buffer[n..];
                continue;
            }

            if (error != SocketError.WouldBlock)
            {
                throw new SocketException((int)error);
            }

            _registration.Writable.MaybeReady = false;
            await WaitAsync(forWrite: true, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    private int TryReceive(Span<byte> buffer, out SocketError error)
    {
        if (_directDescriptor < 0)
        {
            return Socket.Receive(buffer, SocketFlags.None, out error);
        }

        // Closes run on this loop thread, so a descriptor seen open here cannot be closed (or reused) mid-call.
        ObjectDisposedException.ThrowIf(Socket.SafeHandle.IsClosed, Socket);
        var n = LinuxSocketCalls.Receive(_directDescriptor, buffer);
        error = n >= 0 ? SocketError.Success : LinuxSocketCalls.ToSocketError(-n);
        return Math.Max(n, 0);
    }

    private int TrySend(ReadOnlySpan<byte> buffer, out SocketError error)
    {
        if (_directDescriptor < 0)
        {
            return Socket.Send(buffer, SocketFlags.None, out error);
        }

        ObjectDisposedException.ThrowIf(Socket.SafeHandle.IsClosed, Socket);
        var n = LinuxSocketCalls.Send(_directDescriptor, buffer);
        error = n >= 0 ? SocketError.Success : LinuxSocketCalls.ToSocketError(-n);
        return Math.Max(n, 0);
    }

    private int Received(int n, int bufferLength)
    {
        // A stream read that came back short drained the socket: the next edge reports new data. A full one (or a
        // datagram) may have left some behind, and a FIN or error stays readable without a new edge.
        _registration.Readable.MaybeReady = n == bufferLength || !_isStream || _registration.PeerClosed;
        return n;
    }

    public override async ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress sender, CancellationToken cancellationToken)
    {
        await _loop.Enter();
        while (true)
        {
            try
            {
                return Socket.ReceiveFrom(buffer.Span, SocketFlags.None, sender);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
            {
                _registration.Readable.MaybeReady = false;
                await WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override ValueTask<bool> SendToAsync(ReadOnlyMemory<byte> buffer, SocketAddress target, CancellationToken cancellationToken)
    {
        // No readiness state is touched: a datagram that would block is dropped, on whichever thread.
        try
        {
            Socket.SendTo(buffer.Span, SocketFlags.None, target);
            return new(true);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
        {
            return new(false); // a datagram may be lost; the one loop thread must never wait on one peer
        }
    }

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

    public override void Close() => _loop.Execute(() =>
    {
        StopWatching();
        _loop.Unregister(Socket, new ObjectDisposedException(nameof(Socket)));
        base.Close();
    });

    public override void Abort() => _loop.Execute(() =>
    {
        StopWatching();
        _loop.Unregister(Socket, new SocketException((int)SocketError.OperationAborted));
        AbortNow();
    });

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> WaitForReadableSlowAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _loop.Enter();
        if (IsInfinite(timeout))
        {
            return await WaitAsync(forWrite: false, timeout, cancellationToken).ConfigureAwait(false);
        }

        if (SelectLoop.IsDisposed(Socket))
        {
            // Aborted: fail like the untimed wait does, rather than "readable" from the poll below.
            throw new SocketException((int)SocketError.OperationAborted);
        }

        // MaybeReady ends a wait at once, and it stays set after a read that filled its buffer even when that read
        // took the last byte (a stray signal for a reused slot sets it too). A timed wait answers only for a socket
        // that is readable now; otherwise the flag is cleared (the next bytes bring an edge) and it really waits.
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

            _registration.Readable.MaybeReady = false;
            if (!await WaitAsync(forWrite: false, remaining, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    private ValueTask<bool> WaitAsync(bool forWrite, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (SelectLoop.IsDisposed(Socket))
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }

        if (!cancellationToken.CanBeCanceled)
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
        ref var watched = ref forWrite ? ref _writeToken : ref _readToken;
        if (token == watched)
        {
            return;
        }

        ref var registration = ref forWrite ? ref _writeCancel : ref _readCancel;
        registration.Dispose();
        watched = token;
        registration = token.UnsafeRegister(forWrite ? OnWriteCanceled : OnReadCanceled, this);
    }

    private void Canceled(bool forWrite, CancellationToken token) => _loop.Execute(() =>
    {
        // Only a wait that is pending under this very token ends; a token a later wait no longer uses is ignored.
        var (watched, waiter) = forWrite ? (_writeToken, _registration.Writable) : (_readToken, _registration.Readable);
        if (watched == token && waiter.IsPending)
        {
            _loop.Cancel(_registration, forWrite, new OperationCanceledException(token));
        }
    });

    private void StopWatching()
    {
        _readCancel.Dispose();
        _writeCancel.Dispose();
    }
}
