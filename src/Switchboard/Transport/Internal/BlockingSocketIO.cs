using System.Net;
using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Blocking calls on the caller's thread: the sequential and thread-per-connection models. Every method completes
/// synchronously, so an async handler runs straight through without leaving its thread. Cancellation is observed
/// between calls; a blocked call ends when the socket is aborted.
/// </summary>
internal sealed class BlockingSocketIO : SocketIO
{
    public BlockingSocketIO(Socket socket) : base(socket) => socket.Blocking = true;

    public override bool BlocksCaller => true;

    public override ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Socket.Accept());
    }

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Socket.Receive(buffer.Span));
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var span = buffer.Span;
        while (!span.IsEmpty)
        {
            span = span[Socket.Send(span)..];
        }

        return ValueTask.CompletedTask;
    }

    public override ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress sender, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(Socket.ReceiveFrom(buffer.Span, SocketFlags.None, sender));
    }

    public override ValueTask<bool> SendToAsync(ReadOnlyMemory<byte> buffer, SocketAddress target, CancellationToken cancellationToken)
    {
        Socket.SendTo(buffer.Span, SocketFlags.None, target);
        return new(true);
    }

    public override ValueTask<bool> WaitForReadableAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var micros = IsInfinite(timeout) ? -1 : (int)Math.Min(int.MaxValue, timeout.Ticks / 10);
        return new(Socket.Poll(micros, SelectMode.SelectRead));
    }
}
