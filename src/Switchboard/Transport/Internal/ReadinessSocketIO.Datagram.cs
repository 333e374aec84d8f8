using System.Net;
using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>Datagram receive and send: one at a time (any platform), or in batches (Linux, <see cref="DatagramBatch"/>).</summary>
internal sealed partial class ReadinessSocketIO
{
    /// <summary>True when this socket can be served in batches (<see cref="TryReceiveBatch"/>, <see cref="SendBatch"/>).</summary>
    public bool SupportsBatches => BatchDescriptor >= 0;

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
                _registration.Readable.WouldBlock();
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

    /// <summary>
    /// One recvmmsg on the loop thread, never waiting: the datagrams now in <paramref name="batch"/>, or 0 when none
    /// was queued (then wait with <see cref="SocketIO.WaitForReadableAsync"/>). A batch that came back short drained
    /// the socket, so the next wait really waits instead of trying a receive that would find nothing.
    /// </summary>
    /// <exception cref="SocketException">The receive failed (the socket closed: <see cref="SocketError.OperationAborted"/>).</exception>
    public int TryReceiveBatch(DatagramBatch batch)
    {
        ThrowIfClosedForBatch();
        var n = batch.Receive(BatchDescriptor);
        if (n > 0)
        {
            _registration.Readable.Consumed(mayHaveLeftSome: n == batch.Capacity);
            return n;
        }

        if (LinuxSocketCalls.IsWouldBlock(-n))
        {
            _registration.Readable.WouldBlock();
            return 0;
        }

        throw new SocketException((int)LinuxSocketCalls.ToSocketError(-n));
    }

    /// <summary>
    /// One sendmmsg of <paramref name="batch"/>'s replies from <paramref name="start"/>, never waiting: how many
    /// went, or a negative errno for the one at <paramref name="start"/>. No readiness state is touched (as for
    /// <see cref="SendToAsync"/>: a reply that would block is dropped, never waited for).
    /// </summary>
    public int SendBatch(DatagramBatch batch, int start)
    {
        ThrowIfClosedForBatch();
        return batch.Send(BatchDescriptor, start);
    }

    private void ThrowIfClosedForBatch()
    {
        // Closes run on this loop thread (StopAccepting posts them here), so a descriptor seen open here stays so
        // for the call; a batch call off the loop could meet a closed descriptor's number reused.
        if (!_loop.IsOnLoopThread || _registration.IsSocketClosed || Socket.SafeHandle.IsClosed)
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }
    }
}
