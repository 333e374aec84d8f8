using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Linux epoll, edge-triggered (<see cref="EpollSet"/>): a socket is added on its first wait, for input only, and
/// stays; output is added (<c>EPOLL_CTL_MOD</c>) the first time a send has to wait, because watched output queues an
/// event for every ACK that frees send space and most sends never wait. Adding or modifying reports readiness that
/// is already there, so a call that just hit EAGAIN cannot miss its edge. A wake-up costs O(ready sockets).
/// </summary>
internal sealed class EpollBackend : IReadinessBackend
{
    private const int WakeSlot = 0;
    private const uint InputEvents = EpollSet.In | EpollSet.ReadHangUp | EpollSet.EdgeTriggered;

    private readonly EpollSet _epoll = new();
    private readonly List<ReadinessRegistration?> _slots = [null]; // slot 0 is the wake-up socket
    private readonly Stack<int> _freeSlots = new();

    public EpollBackend(Socket wake)
    {
        if (!_epoll.Add(wake.Handle, InputEvents, WakeSlot))
        {
            throw new InvalidOperationException("epoll refused the loop's wake-up socket");
        }
    }

    public bool Watch(ReadinessRegistration registration, ReadinessEvents interest)
    {
        var wanted = registration.Interest | interest | ReadinessEvents.Read;
        var events = InputEvents | ((wanted & ReadinessEvents.Write) != 0 ? EpollSet.Out : 0);
        if (registration.Interest == ReadinessEvents.None)
        {
            var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slots.Count;
            if (!_epoll.Add(registration.Socket.Handle, events, slot))
            {
                _freeSlots.Push(slot);
                return false;
            }

            if (slot == _slots.Count)
            {
                _slots.Add(registration);
            }
            else
            {
                _slots[slot] = registration;
            }

            registration.BackendTag = slot;
        }
        else if (!_epoll.Modify(registration.Socket.Handle, events, registration.BackendTag))
        {
            return false;
        }

        registration.Interest = wanted;
        return true;
    }

    // Edge-triggered interest stays: an event after the wait ended only marks the state maybe-ready.
    public void Unwatch(ReadinessRegistration registration, ReadinessEvents interest)
    {
    }

    public void Remove(ReadinessRegistration registration)
    {
        if (registration.Interest == ReadinessEvents.None)
        {
            return;
        }

        if (!registration.IsSocketClosed)
        {
            _epoll.Remove(registration.Socket.Handle); // a closed descriptor has left the epoll set already
        }

        _slots[registration.BackendTag] = null;
        _freeSlots.Push(registration.BackendTag);
        registration.BackendTag = 0;
        registration.Interest = ReadinessEvents.None;
    }

    public bool Wait(int timeoutMilliseconds)
    {
        var woken = false;
        var count = _epoll.Wait(timeoutMilliseconds);
        for (var i = 0; i < count; i++)
        {
            var slot = _epoll.SlotAt(i);
            if (slot == WakeSlot)
            {
                woken = true;
                continue;
            }

            // A continuation run by an earlier event may have removed this one (null) or reused its slot: a stray
            // report then only makes the new owner try once for nothing.
            if (slot >= _slots.Count || _slots[slot] is not { } registration)
            {
                continue;
            }

            registration.Report(Translate(_epoll.EventsAt(i)));
        }

        return woken;
    }

    public void Dispose() => _epoll.Dispose();

    private static ReadinessEvents Translate(uint events)
    {
        var result = ReadinessEvents.None;
        if ((events & (EpollSet.Error | EpollSet.HangUp | EpollSet.ReadHangUp)) != 0)
        {
            result |= ReadinessEvents.HangUp | ReadinessEvents.Read;
        }

        if ((events & EpollSet.In) != 0)
        {
            result |= ReadinessEvents.Read;
        }

        if ((events & (EpollSet.Out | EpollSet.Error | EpollSet.HangUp)) != 0)
        {
            result |= ReadinessEvents.Write;
        }

        return result;
    }
}
