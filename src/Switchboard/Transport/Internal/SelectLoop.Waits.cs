using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The loop's side of readiness: it begins and ends the waits of its sockets' <see cref="ReadinessState"/>s and
/// tells its backend what to watch. Loop thread only.
/// </summary>
internal sealed partial class SelectLoop
{
    private readonly Dictionary<Socket, ReadinessRegistration> _registered = [];
    private bool _ending; // the loop is failing its waits on the way out

    /// <summary>
    /// Waits on the loop thread until the socket of <paramref name="registration"/> is ready; false when the timeout
    /// passed first. Completes at once when the socket may be ready already (<see cref="ReadinessPhase.MaybeReady"/>):
    /// callers report <see cref="ReadinessState.WouldBlock"/> when a call would block.
    /// </summary>
    public ValueTask<bool> WaitAsync(ReadinessRegistration registration, bool forWrite, TimeSpan timeout)
    {
        var direction = forWrite ? ReadinessEvents.Write : ReadinessEvents.Read;
        var state = forWrite ? registration.Writable : registration.Readable;
        if (_ending || state.Phase == ReadinessPhase.Closed)
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }

        if (state.Phase == ReadinessPhase.MaybeReady)
        {
            return new ValueTask<bool>(true);
        }

        // The one field test per message: a backend that keeps its interest (epoll) is asked once per socket.
        if ((registration.Interest & direction) == 0)
        {
            if (registration.Interest == ReadinessEvents.None)
            {
                _registered.TryAdd(registration.Socket, registration);
            }

            if (!_backend.Watch(registration, direction))
            {
                throw new SocketException((int)SocketError.OperationAborted);
            }
        }

        var pending = state.Arm();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            StartTimeout(registration, forWrite, timeout);
        }

        return pending;
    }

    /// <summary>
    /// Ends the pending wait of one direction with <paramref name="error"/> (its token was canceled). The socket stays
    /// registered and a wait of the other direction goes on: a writer beside a reader has a token of its own.
    /// </summary>
    public void Cancel(ReadinessRegistration registration, bool forWrite, Exception error)
    {
        var state = forWrite ? registration.Writable : registration.Readable;
        if (state.IsWaiting)
        {
            // Unwatch first: the cancellation runs the continuation, which may wait again at once.
            _backend.Unwatch(registration, forWrite ? ReadinessEvents.Write : ReadinessEvents.Read);
            state.Cancel(error);
        }
    }

    /// <summary>Forgets <paramref name="socket"/> if it is registered: pending waits end with <paramref name="error"/>.</summary>
    public void Unregister(Socket socket, Exception error)
    {
        if (_registered.TryGetValue(socket, out var registration))
        {
            Unregister(registration, error);
        }
    }

    /// <summary>Forgets <paramref name="registration"/>: both directions close and pending waits end with <paramref name="error"/>.</summary>
    public void Unregister(ReadinessRegistration registration, Exception error)
    {
        _registered.Remove(registration.Socket);
        _backend.Remove(registration);
        registration.Close(error);
    }

    // A method of its own: a lambda in WaitAsync would capture its parameters, and C# allocates the closure when
    // the method starts, for every wait, timed or not (56 bytes per message on the echo path).
    private void StartTimeout(ReadinessRegistration registration, bool forWrite, TimeSpan timeout)
    {
        var state = forWrite ? registration.Writable : registration.Readable;
        var version = state.WaitVersion;
        state.SetTimeout(new Timer(
            _ => Post(_ => OnTimeout(registration, forWrite, version), null), null, timeout, Timeout.InfiniteTimeSpan));
    }

    private void OnTimeout(ReadinessRegistration registration, bool forWrite, short version)
    {
        var state = forWrite ? registration.Writable : registration.Readable;
        if (state.IsWaiting && state.WaitVersion == version)
        {
            _backend.Unwatch(registration, forWrite ? ReadinessEvents.Write : ReadinessEvents.Read); // before the continuation runs
            state.TimeOut(version);
        }
    }

    /// <summary>On the way out: a wait begun from here on would never be completed, so it fails at once.</summary>
    private void FailEveryWait(Exception error)
    {
        _ending = true;
        foreach (var registration in _registered.Values.ToList())
        {
            Unregister(registration, error);
        }
    }
}
