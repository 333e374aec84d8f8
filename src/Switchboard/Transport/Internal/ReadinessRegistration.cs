using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// One socket as a <see cref="SelectLoop"/> knows it: its read and write waiters and, under epoll, its slot. Loop
/// thread only.
/// </summary>
internal sealed class ReadinessRegistration(Socket socket)
{
    public Socket Socket { get; } = socket;

    public ReadinessWaiter Readable { get; } = new();

    public ReadinessWaiter Writable { get; } = new();

    /// <summary>
    /// True once epoll reported end of stream or an error: those stay readable with no further edge, so a short
    /// read no longer means "drained".
    /// </summary>
    public bool PeerClosed { get; set; }

    /// <summary>
    /// True once epoll watches the socket for output too. A socket starts watched for input only: with output
    /// watched, every ACK that frees send space would queue one more event, and most sends never wait.
    /// </summary>
    public bool WatchesOutput { get; set; }

    /// <summary>The epoll tag; 0 while not registered with epoll.</summary>
    public int Slot { get; set; }
}
