using System.Net;
using System.Net.Sockets;
using Switchboard.Transport.Internal;

namespace Switchboard.Benchmarks;

/// <summary>
/// A <see cref="SocketIO"/> with no kernel underneath, for measuring the pipe machinery alone: every receive
/// returns the same message at once, every send completes at once. The socket exists only because a
/// <see cref="Switchboard.Transport.Connection"/> reads its endpoints from one; it is never used for I/O.
/// </summary>
internal sealed class MemorySocketIO(Socket socket, byte[] message) : SocketIO(socket)
{
    public long BytesSent { get; private set; }

    public override ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public override ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        message.CopyTo(buffer);
        return new(message.Length);
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        BytesSent += buffer.Length;
        return ValueTask.CompletedTask;
    }

    public override ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress sender, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public override ValueTask<bool> SendToAsync(ReadOnlyMemory<byte> buffer, SocketAddress target, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public override ValueTask<bool> WaitForReadableAsync(TimeSpan timeout, CancellationToken cancellationToken) => new(true);
}
