using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Non-blocking calls on a <see cref="SelectLoop"/>'s thread: try the call, and when it would block, wait for the
/// loop to see the socket ready and try again. The select model, the async model's connections on the loops, and
/// the listeners of the sequential model. A call made on another thread moves to the loop first (see
/// <see cref="SelectLoop.Enter"/>), so the readiness states and waits are only ever touched by the loop. Each call
/// reports its outcome to its direction's <see cref="ReadinessState"/> (would block, consumed, failed). This file:
/// construction, accept and close; stream calls, datagram calls and waits live in the other parts.
/// </summary>
internal sealed partial class ReadinessSocketIO : SocketIO
{
    private readonly SelectLoop _loop;
    private readonly ReadinessRegistration _registration;
    private readonly bool _isStream;
    // A stream socket on Linux: received and sent with LinuxSocketCalls; a datagram socket where recvmmsg/sendmmsg
    // serve it: with DatagramBatch. -1 otherwise. One field for both (every connection holds it).
    private readonly nint _descriptor;

    public ReadinessSocketIO(Socket socket, SelectLoop loop) : base(socket)
    {
        _loop = loop;
        _registration = new ReadinessRegistration(socket);
        _isStream = socket.SocketType == SocketType.Stream;
        var direct = _isStream ? OperatingSystem.IsLinux() : LinuxSocketCalls.SupportsMessageBatches;
        _descriptor = direct ? socket.SafeHandle.DangerousGetHandle() : -1;
        if (DirectDescriptor < 0 || !socket.Connected)
        {
            // A connected stream socket on Linux is read and written only by the direct calls, which pass MSG_DONTWAIT,
            // so its descriptor may stay blocking: on Unix making a .NET socket non-blocking builds the runtime's async
            // context for it (four objects, ~220 bytes per connection). A listener's Accept needs the real mode.
            socket.Blocking = false;
        }
    }

    private nint DirectDescriptor => _isStream ? _descriptor : -1;

    private nint BatchDescriptor => _isStream ? -1 : _descriptor;

    /// <summary>The loop that owns this socket.</summary>
    public override SelectLoop Loop => _loop;

    /// <summary>True: an idle connection waits for readiness with no buffer, and the loop reports it in the same turn.</summary>
    public override bool WaitsBeforeRenting => true;

    public override async ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
    {
        await _loop.Enter();
        while (true)
        {
            // Asked first: Accept throws for EAGAIN, and with one client at a time (a connection per TLS handshake)
            // every accept is followed by one; a zero-timeout poll says the same for a syscall and no exception.
            if (Socket.Poll(0, SelectMode.SelectRead))
            {
                try
                {
                    return Socket.Accept();
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.WouldBlock)
                {
                    // Taken by another process sharing the socket: wait like the rest.
                }
            }

            _registration.Readable.WouldBlock();
            await WaitAsync(forWrite: false, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
    }

    public override void Close() => _loop.Execute(() =>
    {
        StopWatching();
        _loop.Unregister(_registration, new ObjectDisposedException(nameof(Socket)));
        base.Close();
    });

    public override void Abort() => _loop.Execute(() =>
    {
        StopWatching();
        _loop.Unregister(_registration, new SocketException((int)SocketError.OperationAborted));
        AbortNow();
    });

    private int TryReceive(Span<byte> buffer, out SocketError error)
    {
        if (DirectDescriptor < 0)
        {
            return Socket.Receive(buffer, SocketFlags.None, out error);
        }

        // Closes run on this loop thread, so a descriptor seen open here cannot be closed (or reused) mid-call.
        ObjectDisposedException.ThrowIf(Socket.SafeHandle.IsClosed, Socket);
        var n = LinuxSocketCalls.Receive(DirectDescriptor, buffer);
        error = n >= 0 ? SocketError.Success : LinuxSocketCalls.ToSocketError(-n);
        return Math.Max(n, 0);
    }

    private int TrySend(ReadOnlySpan<byte> buffer, out SocketError error)
    {
        if (DirectDescriptor < 0)
        {
            return Socket.Send(buffer, SocketFlags.None, out error);
        }

        ObjectDisposedException.ThrowIf(Socket.SafeHandle.IsClosed, Socket);
        var n = LinuxSocketCalls.Send(DirectDescriptor, buffer);
        error = n >= 0 ? SocketError.Success : LinuxSocketCalls.ToSocketError(-n);
        return Math.Max(n, 0);
    }
}
