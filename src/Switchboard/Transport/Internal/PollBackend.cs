using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// poll(2), through <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// (which .NET implements with poll, so without select's 1,024-descriptor ceiling), over the sockets with a pending
/// wait only. Level-triggered and one-shot: a socket is watched from its wait until it is reported, so a wake-up
/// costs O(waiting sockets). Runs on every system; on Linux when chosen (<see cref="ReadinessBackends"/>).
/// </summary>
internal sealed class PollBackend(Socket wake) : IReadinessBackend
{
    private readonly Dictionary<Socket, ReadinessRegistration> _readers = [];
    private readonly Dictionary<Socket, ReadinessRegistration> _writers = [];
    private readonly List<Socket> _readList = [];
    private readonly List<Socket> _writeList = [];

    public bool Watch(ReadinessRegistration registration, ReadinessEvents interest)
    {
        if ((interest & ReadinessEvents.Read) != 0)
        {
            _readers[registration.Socket] = registration;
        }

        if ((interest & ReadinessEvents.Write) != 0)
        {
            _writers[registration.Socket] = registration;
        }

        registration.Interest |= interest;
        return true;
    }

    public void Unwatch(ReadinessRegistration registration, ReadinessEvents interest)
    {
        if ((interest & ReadinessEvents.Read) != 0)
        {
            _readers.Remove(registration.Socket);
        }

        if ((interest & ReadinessEvents.Write) != 0)
        {
            _writers.Remove(registration.Socket);
        }

        registration.Interest &= ~interest;
    }

    public void Remove(ReadinessRegistration registration) => Unwatch(registration, ReadinessEvents.Read | ReadinessEvents.Write);

    public bool Wait(int timeoutMilliseconds)
    {
        _readList.Clear();
        _readList.Add(wake);
        _readList.AddRange(_readers.Keys);
        _writeList.Clear();
        _writeList.AddRange(_writers.Keys);
        try
        {
            Socket.Select(_readList, _writeList.Count > 0 ? _writeList : null, null, timeoutMilliseconds < 0 ? -1 : timeoutMilliseconds * 1000);
        }
        catch (ObjectDisposedException)
        {
            // A handler broke the rule and disposed a registered socket elsewhere; fail its waits, go on.
            DropClosed(_readers);
            DropClosed(_writers);
            return false;
        }

        var woken = false;
        foreach (var socket in _readList)
        {
            if (socket == wake)
            {
                woken = true;
            }
            else
            {
                Report(_readers, socket, ReadinessEvents.Read);
            }
        }

        foreach (var socket in _writeList)
        {
            Report(_writers, socket, ReadinessEvents.Write);
        }

        return woken;
    }

    public void Dispose()
    {
    }

    private static void Report(Dictionary<Socket, ReadinessRegistration> watched, Socket socket, ReadinessEvents direction)
    {
        // Forget first, report second: the report runs the wait's continuation, which may wait again at once and must
        // find the socket unwatched so that it is watched anew. A continuation run by an earlier report may also have
        // removed this socket: then there is nothing to report.
        if (watched.Remove(socket, out var registration))
        {
            registration.Interest &= ~direction;
            registration.Report(direction);
        }
    }

    private static void DropClosed(Dictionary<Socket, ReadinessRegistration> watched)
    {
        foreach (var registration in watched.Values.Where(r => r.IsSocketClosed).ToList())
        {
            watched.Remove(registration.Socket);
            registration.Interest = ReadinessEvents.None;
            registration.Close(new ObjectDisposedException(nameof(Socket)));
        }
    }
}
