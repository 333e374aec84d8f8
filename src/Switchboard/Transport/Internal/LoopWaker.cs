using System.Net;
using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Wakes a <see cref="SelectLoop"/> that waits in its backend, asyncio's self-pipe: a loopback datagram socket
/// connected to itself, which every backend watches for input. At most one wake-up is in flight.
/// </summary>
internal sealed class LoopWaker : IDisposable
{
    private readonly byte[] _drainBuffer = new byte[64];
    private int _pending;

    public LoopWaker()
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Socket.Connect(Socket.LocalEndPoint!);
        Socket.Blocking = false;
    }

    /// <summary>The socket a backend watches for input.</summary>
    public Socket Socket { get; }

    /// <summary>From another thread: makes the loop's wait return, unless a wake-up is on its way already.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _pending, 1) != 0)
        {
            return;
        }

        try
        {
            Socket.Send([1]);
        }
        catch (SocketException)
        {
            // The buffer is full of wake-ups already: the loop is awake.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>On the loop, after its wait reported the socket readable.</summary>
    public void Drain()
    {
        // Drain first, then re-arm: re-arming first lets a post that lands in between send a wake-up that the
        // drain then swallows, leaving the flag set with no datagram queued, and every later post skips its wake.
        while (Socket.Receive(_drainBuffer, SocketFlags.None, out var error) > 0 && error == SocketError.Success)
        {
        }

        Volatile.Write(ref _pending, 0);
    }

    public void Dispose() => Socket.Dispose();
}
