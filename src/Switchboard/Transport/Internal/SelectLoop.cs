using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Transport.Internal;

/// <summary>
/// A single-threaded event loop in the shape of asyncio's: one thread runs posted work, waits in its
/// <see cref="IReadinessBackend"/> (epoll, poll; see <see cref="ReadinessBackends"/>) until a socket is ready or work
/// is posted, and runs the continuations of the waits that ended. It is also the thread's
/// <see cref="SynchronizationContext"/>: work awaited elsewhere (a timer, a Task.Delay) comes back to this thread,
/// woken through <see cref="LoopWaker"/>. All sockets registered here are touched only on this thread. This file
/// schedules; <c>SelectLoop.Waits.cs</c> keeps the sockets' waits.
/// </summary>
internal sealed partial class SelectLoop : SynchronizationContext, IDisposable
{
    private readonly Thread _thread;
    private readonly LoopWaker _waker = new();
    private readonly PostedWork _work = new();
    private readonly IReadinessBackend _backend;
    private readonly ILogger _logger;
    private volatile bool _stopped;

    /// <param name="name">The thread's name, also in log lines.</param>
    /// <param name="backend">How it waits for readiness; <see cref="LoopBackend.Default"/> resolves as <see cref="ReadinessBackends"/> says.</param>
    /// <param name="logger">Where work that threw is logged.</param>
    public SelectLoop(string name, LoopBackend backend = LoopBackend.Default, ILogger? logger = null)
    {
        _logger = logger ?? NullLogger.Instance;
        try
        {
            _backend = ReadinessBackends.Create(backend, _waker.Socket);
        }
        catch
        {
            _waker.Dispose();
            throw;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public bool IsOnLoopThread => Thread.CurrentThread == _thread;

    /// <summary>True once the loop's thread has run its last work: nothing posted now runs there.</summary>
    public bool HasEnded => _work.IsClosed;

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

    public void Dispose()
    {
        _stopped = true;
        Post(static _ => { }, null);
        if (!IsOnLoopThread)
        {
            _thread.Join(TimeSpan.FromSeconds(5));
        }
    }

    /// <summary>
    /// Runs one piece of posted work. Async continuations keep their exceptions in their tasks; what lands here is a
    /// stray callback (an async void's rethrow, a plain <see cref="Post"/>). It is logged once, naming what ran, and
    /// the loop goes on: one bad callback must not stop the loop, nor the process once it runs on the pool.
    /// </summary>
    internal void RunOne(SendOrPostCallback callback, object? state)
    {
        try
        {
            callback(state);
        }
        catch (Exception e)
        {
            LoopLog.PostedWorkFailed(_logger, _thread.Name ?? "?", Describe(callback, state), e.Message, e);
        }
    }

    /// <summary>
    /// "Type.Method" of the work, for the log. The loop's own trampolines (<see cref="LoopEntry"/>, <see cref="Execute"/>)
    /// carry the real work as their state, so that delegate is named instead (an async method's state machine).
    /// </summary>
    internal static string Describe(SendOrPostCallback callback, object? state)
    {
        Delegate work = state is Delegate inner && callback.Method.DeclaringType?.Assembly == typeof(SelectLoop).Assembly ? inner : callback;
        var type = work.Target?.GetType() ?? work.Method.DeclaringType;
        return $"{type?.ToString() ?? "?"}.{work.Method.Name}";
    }

    private void Run()
    {
        SetSynchronizationContext(this);
        while (true)
        {
            _work.RunAll(this);
            if (_stopped)
            {
                break;
            }

            if (_backend.Wait(_work.HasWork ? 0 : -1))
            {
                _waker.Drain();
            }
        }

        FailEveryWait(new SocketException((int)SocketError.OperationAborted));

        // Run what the failed waits posted until nothing is left, and only then declare the end: a post either lands
        // in a queue still run here or sees the end (Execute then runs inline, Post on the pool), and no loop work
        // runs once another thread may act on the end.
        do
        {
            _work.RunAll(this);
        }
        while (!_work.TryClose());

        _backend.Dispose();
        _waker.Dispose();
    }

    /// <summary>Queues work for the loop thread and wakes it; false once the loop has ended.</summary>
    private bool TryPost(SendOrPostCallback d, object? state)
    {
        if (!_work.TryAdd(d, state))
        {
            return false;
        }

        if (!IsOnLoopThread)
        {
            _waker.Wake();
        }

        return true;
    }
}
