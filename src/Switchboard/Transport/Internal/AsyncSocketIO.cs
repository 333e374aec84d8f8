using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Switchboard.Transport.Internal;

/// <summary>The runtime's async socket engine (epoll on Linux) with continuations on the thread pool.</summary>
internal sealed class AsyncSocketIO : SocketIO
{
    public AsyncSocketIO(Socket socket) : base(socket)
    {
    }

    // A zero-byte receive waits for data without a buffer: an idle connection holds no pooled memory.
    public override bool WaitsBeforeRenting => true;

    public override ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken) => Socket.AcceptAsync(cancellationToken);

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        Socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        while (!buffer.IsEmpty)
        {
            var sent = await Socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            buffer = buffer[sent..];
        }
    }

    public override ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress sender, CancellationToken cancellationToken) =>
        Socket.ReceiveFromAsync(buffer, SocketFlags.None, sender, cancellationToken);

    public override async ValueTask<bool> SendToAsync(ReadOnlyMemory<byte> buffer, SocketAddress target, CancellationToken cancellationToken)
    {
        await Socket.SendToAsync(buffer, SocketFlags.None, target, cancellationToken).ConfigureAwait(false);
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<bool> WaitForReadableAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IsInfinite(timeout))
        {
            await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return true;
        }

        // The engine ends a zero-byte receive on any readiness event newer than the receive's start, without looking
        // at the socket: an event for bytes the caller has read already ends it as well. Only a socket that is
        // readable now counts; otherwise wait out the rest of the timeout.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            var remaining = timeout - Stopwatch.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return IsReadableNow();
            }

            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timer.CancelAfter(remaining);
            try
            {
                await Socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (IsReadableNow())
            {
                return true;
            }
        }
    }
}
