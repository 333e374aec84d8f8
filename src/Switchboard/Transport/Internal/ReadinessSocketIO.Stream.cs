using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>Stream receive and send: a synchronous fast path on the loop, an async slow path that waits.</summary>
internal sealed partial class ReadinessSocketIO
{
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
                _registration.Readable.Failed();
                return ValueTask.FromException<int>(new SocketException((int)error));
            }

            _registration.Readable.WouldBlock();
            return ReceiveSlowAsync(buffer, wouldBlock: true, cancellationToken);
        }

        return ReceiveSlowAsync(buffer, wouldBlock: false, cancellationToken);
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
                _registration.Writable.WouldBlock();
                return SendSlowAsync(buffer, wouldBlock: true, cancellationToken);
            }
        }

        return SendSlowAsync(buffer, wouldBlock: false, cancellationToken);
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
                _registration.Readable.Failed();
                throw new SocketException((int)error);
            }

            _registration.Readable.WouldBlock();
            await WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
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

            _registration.Writable.WouldBlock();
            await WaitAsync(forWrite: true, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    private int Received(int n, int bufferLength)
    {
        // A full read (or a datagram) may have left some behind; a short stream read drained the socket.
        _registration.Readable.Consumed(mayHaveLeftSome: n == bufferLength || !_isStream);
        return n;
    }
}
