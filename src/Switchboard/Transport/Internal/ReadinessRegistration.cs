using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// One socket as a <see cref="SelectLoop"/> knows it, asyncio's <c>SelectorKey</c>: its two
/// <see cref="ReadinessState"/>s and what its backend watches. Loop thread only.
/// </summary>
internal sealed class ReadinessRegistration(Socket socket)
{
    private ReadinessState? _writable;
    private Exception? _closedWith; // a direction made after the close starts closed

    public Socket Socket { get; } = socket;

    public ReadinessState Readable { get; } = new();

    /// <summary>
    /// Made on first use, when a send first has to wait: most sockets never do, and every idle connection would hold
    /// the object. A report of writability before then is dropped: no write wait can be pending, and the send that
    /// would block first says <see cref="ReadinessState.WouldBlock"/>, which is what a dropped report leads to anyway.
    /// </summary>
    public ReadinessState Writable => _writable ?? MakeWritable();

    /// <summary>What the backend watches now; written by the backend only (see <see cref="IReadinessBackend.Watch"/>).</summary>
    public ReadinessEvents Interest { get; set; }

    /// <summary>The backend's handle for this socket (epoll's slot); the backend's to use.</summary>
    public int BackendTag { get; set; }

    /// <summary>True once the socket is closed (a closed descriptor has left the kernel's sets by itself).</summary>
    public bool IsSocketClosed
    {
        get
        {
            try
            {
                return Socket.SafeHandle.IsClosed;
            }
            catch (ObjectDisposedException)
            {
                return true;
            }
        }
    }

    public ReadinessState StateOf(ReadinessEvents direction) => direction == ReadinessEvents.Write ? Writable : Readable;

    /// <summary>The backend's report, translated once for every backend. Completed waits run their continuations.</summary>
    public void Report(ReadinessEvents events)
    {
        if ((events & ReadinessEvents.Read) != 0)
        {
            if ((events & ReadinessEvents.HangUp) != 0)
            {
                Readable.SignalEndOfStream();
            }
            else
            {
                Readable.Signal();
            }
        }

        if ((events & ReadinessEvents.Write) != 0)
        {
            _writable?.Signal();
        }
    }

    /// <summary>The socket leaves the loop: both directions close and their pending waits fail.</summary>
    public void Close(Exception error)
    {
        _closedWith = error;
        Readable.Close(error);
        _writable?.Close(error);
    }

    private ReadinessState MakeWritable()
    {
        var state = new ReadinessState();
        if (_closedWith is { } error)
        {
            state.Close(error);
        }

        return _writable = state;
    }
}
