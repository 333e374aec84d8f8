using System.Net;
using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// How one socket performs its operations under a concurrency model: blocking calls on the caller's thread,
/// non-blocking calls plus readiness waits on a select loop, or the runtime's async socket engine. Everything above
/// this class (pipes, handlers, services) is the same for every model.
/// </summary>
internal abstract class SocketIO
{
    protected SocketIO(Socket socket) => Socket = socket;

    public Socket Socket { get; }

    /// <summary>
    /// The abort token of the connection that owns this socket I/O. Its cancellation is always followed by
    /// <see cref="Abort"/>, which ends every pending call, so a call under it needs no cancellation of its own.
    /// </summary>
    public CancellationToken AbortedWith { get; set; }

    /// <summary>True when every call blocks the calling thread until done (the threads and sequential models).</summary>
    public virtual bool BlocksCaller => false;

    /// <summary>True when a receive should first wait for data with no buffer rented (idle connections then own none).</summary>
    public virtual bool WaitsBeforeRenting => false;

    /// <summary>
    /// The event loop whose thread owns this socket, or null when none does (blocking calls, the runtime's engine).
    /// A wrapper (TLS) answers with its inner socket's loop, so the connection is served there too.
    /// </summary>
    public virtual SelectLoop? Loop => null;

    public abstract ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken);

    /// <summary>Receives at least one byte, or 0 at the peer's end of stream.</summary>
    public abstract ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Sends every byte of <paramref name="buffer"/>.</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    public abstract ValueTask<int> ReceiveFromAsync(Memory<byte> buffer, SocketAddress sender, CancellationToken cancellationToken);

    /// <summary>Sends one datagram; false when it was dropped because the socket's buffer is full.</summary>
    public abstract ValueTask<bool> SendToAsync(ReadOnlyMemory<byte> buffer, SocketAddress target, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the socket is readable (data, end of stream or error); false when the timeout passed first. With a
    /// timeout, true means the socket is readable now: a caller that then reads waits for nothing else, and a timed
    /// wait ended by readiness that was already consumed would leave it waiting with no deadline (the timestamp
    /// service's partial line). Without one, a spurious true costs the caller's receive one more wait.
    /// </summary>
    public abstract ValueTask<bool> WaitForReadableAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// True when <see cref="TryWaitForReadable"/> may be used here and now (on the loop thread of a readiness socket):
    /// a reader that waits through it holds no suspended async method of its own while its connection is idle.
    /// </summary>
    public virtual bool WaitsWithCallback => false;

    /// <summary>
    /// Begins an untimed wait for readability that ends in a callback instead of a task: true when the socket may be
    /// readable already (no wait was begun); false when <paramref name="onReadable"/> will run with
    /// <paramref name="state"/> on the loop thread once the wait has ended, and <see cref="EndReadableWait"/> then
    /// tells how. Only where <see cref="WaitsWithCallback"/>.
    /// </summary>
    public virtual bool TryWaitForReadable(Action<object?> onReadable, object state, CancellationToken cancellationToken) =>
        throw new NotSupportedException("this socket I/O has no callback wait");

    /// <summary>The end of the wait <see cref="TryWaitForReadable"/> began: returns when readable, else throws why not.</summary>
    public virtual void EndReadableWait() => throw new NotSupportedException("this socket I/O has no callback wait");

    /// <summary>Shuts down the sending side (FIN). Called from the connection's own flow.</summary>
    public virtual void ShutdownSend()
    {
        try
        {
            Socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The peer is gone already; there is nobody left to tell.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Half-closes the sending side as the protocol on top wants it: FIN here; under TLS, close_notify and then FIN.
    /// </summary>
    public virtual ValueTask ShutdownSendAsync(CancellationToken cancellationToken)
    {
        ShutdownSend();
        return default;
    }

    /// <summary>What a graceful close sends before its FIN: nothing for a plain socket, TLS's close_notify.</summary>
    public virtual ValueTask EndSendingAsync() => default;

    /// <summary>Graceful close from the connection's own flow: FIN, discard what the peer sent unread, close.</summary>
    public virtual void Close()
    {
        ShutdownSend();
        DiscardUnreadInput();
        Socket.Dispose();
    }

    /// <summary>Abortive close (RST) from any thread; pending operations end with an error or end of stream.</summary>
    public virtual void Abort() => AbortNow();

    protected void AbortNow()
    {
        // No shutdown() before the close: it would send a FIN, and the peer would read a clean end of stream before
        // the RST. A thread blocked in recv or send on this socket is still woken: when a blocking call holds the
        // handle, .NET's Dispose disconnects the socket first (connect(AF_UNSPEC) on Linux, itself an RST).
        try
        {
            Socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        Socket.Dispose();
    }

    /// <summary>
    /// Unread input makes close() send RST instead of FIN, and an RST can destroy the reply the peer has not read
    /// yet (a daytime line, an echo tail). Reading what is already queued avoids that in the common case.
    /// </summary>
    private void DiscardUnreadInput()
    {
        try
        {
            Span<byte> scratch = stackalloc byte[1024];
            var budget = 64 * 1024;
            while (budget > 0 && Socket.Available > 0)
            {
                var n = Socket.Receive(scratch, SocketFlags.None, out var error); // Available > 0: will not block
                if (error != SocketError.Success || n <= 0)
                {
                    break;
                }

                budget -= n;
            }
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    protected static bool IsInfinite(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan;

    /// <summary>poll(2) with no wait: data, end of stream or an error is queued, so a read would not wait.</summary>
    protected bool IsReadableNow()
    {
        try
        {
            return Socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return true; // the read reports it
        }
    }
}
