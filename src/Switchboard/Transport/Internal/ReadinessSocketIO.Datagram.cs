using System.Net;
using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>Datagram receive and send.</summary>
internal sealed partial class ReadinessSocketIO
{
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
}
