using System.Net;
using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// A single-threaded event loop in the shape of asyncio: one thread waits on socket readiness and runs every
/// continuation itself. On Linux it waits with epoll (each socket registered once, edge-triggered, and a wake-up
/// costs O(ready sockets)); elsewhere with
/// <see cref="Socket.Select(System.Collections.IList, System.Collections.IList, System.Collections.IList, int)"/>
/// over the sockets with a pending wait (poll(2) underneath). Neither has a 1,024-descriptor ceiling. It is also the
/// thread's <see cref="SynchronizationContext"/>: work awaited elsewhere (a timer, a Task.Delay) comes back to this
/// thread, woken through a loopback datagram socket. All sockets registered here are touched only on this thread.
/// </summary>
internal sealed class SelectLoop : SynchronizationContext, IDisposable
{
    private readonly Thread _thread;
    private readonly Socket _wake;
    private readonly Lock _postedLock = new();
    private const int WakeSlot = 0;
    private const uint InputEvents = EpollSet.In | EpollSet.ReadHangUp | EpollSet.EdgeTriggered;

    private readonly EpollSet? _epoll;
    private readonly Dictionary<Socket, ReadinessRegistration> _registered = [];
    private readonly List<ReadinessRegistration?> _slots = [null]; // slot 0 is the wake socket
    private readonly Stack<int> _freeSlots = new();
    private readonly Dictionary<Socket, ReadinessWaiter> _readers = [];
    private readonly Dictionary<Socket, ReadinessWaiter> _writers = [];
    private readonly List<Socket> _readList = [];
    private readonly List<Socket> _writeList = [];
    private readonly byte[] _wakeBuffer = new byte[64];
    private List<(SendOrPostCallback Callback, object? State)> _posted = [];
    private List<(SendOrPostCallback Callback, object? State)> _running = [];
    private int _wakePending;
    private volatile bool _stopped;
    private bool _ending; // loop thread only: the loop is failing its waits on the way out
    private volatile bool _ended;

    public SelectLoop(string name)
    {
        _wake = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _wake.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _wake.Connect(_wake.LocalEndPoint!);
        _wake.Blocking = false;
        if (OperatingSystem.IsLinux())
        {
            _epoll = new EpollSet();
            _epoll.Add(_wake.Handle, InputEvents, WakeSlot);
        }

        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Called with an exception that escaped a posted callback; the loop goes on.</summary>
    public Action<Exception>? UnhandledException { get; set; }

    public bool IsOnLoopThread => Thread.CurrentThread == _thread;

    /// <summary>True once the loop's thread has run its last work: nothing posted now runs there.</summary>
    public bool HasEnded => _ended;

    /// <summary>
    /// <c>await loop.Enter()</c> continues on the loop thread: at once when already there, else posted. Socket calls
    /// that arrive from another thread (a handler that used <c>ConfigureAwait(false)</c>) move here first, because
    /// the loop owns the readiness state of its sockets.
    /// </summary>
    public LoopEntry Enter() => new(this);

    public override SynchronizationContext CreateCopy() => this;

    public override void Post(SendOrPostCallback d, object? state)
    {
        if (!TryPost(d, state))
        {
            // The loop has ended and nobody is left to run this here. A handler that resumes now must still run to
            // its end (its finally blocks, its connection's close), so it runs on the thread pool; its socket calls
            // fail there (see LoopEntry) rather than touch the sockets off the loop.
            ThreadPool.UnsafeQueueUserWorkItem(static work => work.Loop.RunOne(work.d, work.state), (Loop: this, d, state), preferLocal: false);
        }
    }

    public override void Send(SendOrPostCallback d, object? state)
    {
        if (IsOnLoopThread)
        {
            d(state);
            return;
        }

        using var done = new ManualResetEventSlim();
        Exception? error = null;
        Post(_ =>
        {
            try
            {
                d(state);
            }
            catch (Exception e)
            {
                error = e;
            }
            finally
            {
                done.Set();
            }
        }, null);
        done.Wait();
        if (error is not null)
        {
            throw new InvalidOperationException("work sent to the select loop failed", error);
        }
    }

    /// <summary>Runs <paramref name="action"/> on the loop thread; at once when already there or when the loop has ended.</summary>
    public void Execute(Action action)
    {
        if (IsOnLoopThread || !TryPost(static s => ((Action)s!)(), action))
        {
            action();
        }
    }

    /// <summary>
    /// Waits on the loop thread until the socket of <paramref name="registration"/> is ready; false when the timeout
    /// passed first. Under epoll it completes at once when the socket may be ready already (see
    /// <see cref="ReadinessWaiter.MaybeReady"/>): callers clear that flag when a call would block.
    /// </summary>
    public ValueTask<bool> WaitAsync(ReadinessRegistration registration, bool forWrite, TimeSpan timeout)
    {
        if (_ending)
        {
            throw new SocketException((int)SocketError.OperationAborted);
        }

        var waiter = forWrite ? registration.Writable : registration.Readable;
        var socket = registration.Socket;
        if (_epoll is not null)
        {
            if (registration.Slot == 0)
            {
                AddToEpoll(registration); // adding reports readiness that is already there
            }

            if (forWrite && !registration.WatchesOutput)
            {
                // Also reports readiness that is already there: a send that just failed cannot miss its edge.
                if (!_epoll.Modify(socket.Handle, InputEvents | EpollSet.Out, registration.Slot))
                {
                    throw new SocketException((int)SocketError.OperationAborted);
                }

                registration.WatchesOutput = true;
            }

            if (waiter.MaybeReady)
            {
                return new ValueTask<bool>(true);
            }
        }
        else
        {
            _registered[socket] = registration;
            (forWrite ? _writers : _readers)[socket] = waiter;
        }

        var pending = waiter.Arm();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            StartTimeout(socket, waiter, forWrite, timeout);
        }

        return pending;
    }

    // A method of its own: a lambda in WaitAsync would capture its parameters, and C# allocates the closure when
    // the method starts, for every wait, timed or not (56 bytes per message on the echo path).
    private void StartTimeout(Socket socket, ReadinessWaiter waiter, bool forWrite, TimeSpan timeout)
    {
        var version = waiter.Version;
        waiter.SetTimeout(new Timer(
            _ => Post(_ => OnTimeout(socket, waiter, forWrite, version), null), null, timeout, Timeout.InfiniteTimeSpan));
    }

    /// <summary>Forgets <paramref name="socket"/>: pending waits end with <paramref name="error"/>. Loop thread only.</summary>
    public void Unregister(Socket socket, Exception error)
    {
        _readers.Remove(socket);
        _writers.Remove(socket);
        if (!_registered.Remove(socket, out var registration))
        {
            return;
        }

        if (registration.Slot != 0)
        {
            if (!IsDisposed(socket))
            {
                _epoll!.Remove(socket.Handle); // a closed descriptor has left the epoll set already
            }

            _slots[registration.Slot] = null;
            _freeSlots.Push(registration.Slot);
            registration.Slot = 0;
            registration.WatchesOutput = false;
        }

        registration.Readable.MaybeReady = false;
        registration.Writable.MaybeReady = false;
        registration.Readable.Fail(error);
        registration.Writable.Fail(error);
    }

    /// <summary>
    /// Ends the pending wait of one direction with <paramref name="error"/> (its token was canceled). The socket stays
    /// registered and a wait of the other direction goes on: a writer beside a reader has a token of its own.
    /// Loop thread only.
    /// </summary>
    public void Cancel(ReadinessRegistration registration, bool forWrite, Exception error)
    {
        if (_epoll is null)
        {
            (forWrite ? _writers : _readers).Remove(registration.Socket);
        }

        (forWrite ? registration.Writable : registration.Readable).Fail(error);
    }

    public void Dispose()
    {
        _stopped = true;
        Post(static _ => { }, null);
        if (!IsOnLoopThread)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    private void OnTimeout(Socket socket, ReadinessWaiter waiter, bool forWrite, short version)
    {
        if (!waiter.IsPending || waiter.Version != version)
        {
            return;
        }

        if (_epoll is null)
        {
            (forWrite ? _writers : _readers).Remove(socket);
        }

        waiter.Complete(false);
    }

    private void Run()
    {
        SetSynchronizationContext(this);
        while (true)
        {
            RunPosted();
            if (_stopped)
            {
                break;
            }

            WaitForReadiness();
        }

        _ending = true; // a wait begun from here on would never be completed: it fails at once
        var closing = new SocketException((int)SocketError.OperationAborted);
        foreach (var socket in _registered.Keys.ToList())
        {
            Unregister(socket, closing);
        }

        // Run what the failed waits posted until nothing is left, and only then declare the end, under the lock: a
        // post either lands in a queue still run here or sees the end (Execute then runs inline, Post on the pool),
        // and no loop work runs once another thread may act on the end.
        while (true)
        {
            RunPosted();
            lock (_postedLock)
            {
                if (_posted.Count == 0)
                {
                    _ended = true;
                    break;
                }
            }
        }

        _epoll?.Dispose();
        _wake.Dispose();
    }

    private void AddToEpoll(ReadinessRegistration registration)
    {
        var slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slots.Count;
        if (!_epoll!.Add(registration.Socket.Handle, InputEvents, slot))
        {
            _freeSlots.Push(slot);
            throw new SocketException((int)SocketError.OperationAborted);
        }

        if (slot == _slots.Count)
        {
            _slots.Add(registration);
        }
        else
        {
            _slots[slot] = registration;
        }

        registration.Slot = slot;
        _registered[registration.Socket] = registration;
    }

    /// <summary>Queues work for the loop thread and wakes it; false once the loop has ended.</summary>
    private bool TryPost(SendOrPostCallback d, object? state)
    {
        lock (_postedLock)
        {
            if (_ended)
            {
                return false;
            }

            _posted.Add((d, state));
        }

        if (!IsOnLoopThread && Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            try
            {
                _wake.Send([1]);
            }
            catch (SocketException)
            {
                // The buffer is full of wake-ups already: the loop is awake.
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return true;
    }

    private bool HasPosted()
    {
        lock (_postedLock)
        {
            return _posted.Count > 0;
        }
    }

    private void WaitForReadiness()
    {
        if (_epoll is not null)
        {
            WaitWithEpoll(_epoll);
            return;
        }

        _readList.Clear();
        _readList.Add(_wake);
        _readList.AddRange(_readers.Keys);
        _writeList.Clear();
        _writeList.AddRange(_writers.Keys);
        try
        {
            Socket.Select(_readList, _writeList.Count > 0 ? _writeList : null, null, HasPosted() ? 0 : -1);
        }
        catch (ObjectDisposedException)
        {
            // A handler broke the rule and disposed a registered socket elsewhere; fail its waits, go on.
            DropDisposed(_readers);
            DropDisposed(_writers);
            return;
        }

        foreach (var socket in _readList)
        {
            if (socket == _wake)
            {
                DrainWake();
            }
            else if (_readers.Remove(socket, out var waiter))
            {
                waiter.Complete(true);
            }
        }

        foreach (var socket in _writeList)
        {
            if (_writers.Remove(socket, out var waiter))
            {
                waiter.Complete(true);
            }
        }
    }

    private void WaitWithEpoll(EpollSet epoll)
    {
        var count = epoll.Wait(HasPosted() ? 0 : -1);
        for (var i = 0; i < count; i++)
        {
            var slot = epoll.SlotAt(i);
            if (slot == WakeSlot)
            {
                DrainWake();
                continue;
            }

            // A continuation run by an earlier event may have unregistered this one (null) or reused its slot: a
            // stray signal then only makes the new owner try once for nothing.
            if (slot >= _slots.Count || _slots[slot] is not { } registration)
            {
                continue;
            }

            var events = epoll.EventsAt(i);
            if ((events & (EpollSet.Error | EpollSet.HangUp | EpollSet.ReadHangUp)) != 0)
            {
                registration.PeerClosed = true;
            }

            if ((events & (EpollSet.In | EpollSet.Error | EpollSet.HangUp | EpollSet.ReadHangUp)) != 0)
            {
                registration.Readable.Signal();
            }

            if ((events & (EpollSet.Out | EpollSet.Error | EpollSet.HangUp)) != 0)
            {
                registration.Writable.Signal();
            }
        }
    }

    private void DropDisposed(Dictionary<Socket, ReadinessWaiter> waiters)
    {
        foreach (var socket in waiters.Keys.Where(IsDisposed).ToList())
        {
            Unregister(socket, new ObjectDisposedException(nameof(Socket)));
        }
    }

    internal static bool IsDisposed(Socket socket)
    {
        try
        {
            return socket.SafeHandle.IsClosed;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private void DrainWake()
    {
        // Drain first, then re-arm: re-arming first lets a post that lands in between send a wake-up that the
        // drain then swallows, leaving the flag set with no datagram queued, and every later post skips its wake.
        while (_wake.Receive(_wakeBuffer, SocketFlags.None, out var error) > 0 && error == SocketError.Success)
        {
        }

        Volatile.Write(ref _wakePending, 0);
    }

    private void RunPosted()
    {
        while (true)
        {
            lock (_postedLock)
            {
                if (_posted.Count == 0)
                {
                    return;
                }

                (_posted, _running) = (_running, _posted);
            }

            foreach (var (callback, state) in _running)
            {
                RunOne(callback, state);
            }

            _running.Clear();
        }
    }

    private void RunOne(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception e)
        {
            // Async continuations keep their exceptions in their tasks; only a stray callback (an async void's
            // rethrow) lands here. One bad callback must not stop the loop, nor the process once it runs on the pool.
            UnhandledException?.Invoke(e);
        }
    }
}
