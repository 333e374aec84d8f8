using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Endpoints;
using Switchboard.Serving.Internal;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Models;

/// <summary>
/// async/await, the scalable default. On Linux each connection belongs to one of a few event loops (epoll, half the
/// processors by default), which does its non-blocking calls and runs its handler's code, like the select model with
/// more than one thread: a message costs no thread hand-off. Elsewhere the runtime's socket engine with handlers on
/// the thread pool, unless a loop backend was chosen (<see cref="ReadinessBackends.ServesAsyncModel"/>): then the
/// loops run over it, poll on Linux included. Where there are loops, every listener is served on one of them: a stream
/// listener accepts there (non-blocking <c>accept</c> on readiness) and a datagram listener receives there (in batches
/// on Linux); else both run on the runtime's engine.
/// </summary>
internal sealed class AsyncModel : ModelRunner
{
    private readonly List<Task> _listenerLoops = [];
    private readonly SelectLoop[] _ioLoops;
    private readonly Dictionary<Listener, SelectLoop> _listenersOnLoops = [];
    private readonly SendOrPostCallback _runConnection;
    private int _nextLoop = -1;

    public AsyncModel(ServerCore core, int ioLoops, LoopBackend backend, ILogger logger) : base(core)
    {
        var count = ReadinessBackends.ServesAsyncModel(backend) ? (ioLoops > 0 ? ioLoops : DefaultLoopCount) : 0;
        var loops = new List<SelectLoop>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                loops.Add(new SelectLoop($"switchboard-io-{i}", backend, logger));
            }
        }
        catch (Exception e) when (e is SocketException or InvalidOperationException or OutOfMemoryException or ThreadStartException)
        {
            // Each loop holds a thread, an epoll descriptor and a wake-up socket; too many loops run out of one. Asked
            // before the loops are released: a thread that cannot start for want of a descriptor says "out of memory".
            var cause = DescriptorLimit.DescribeIfExhausted()
                ?? (e is OutOfMemoryException or ThreadStartException ? "could not start its thread (out of memory or threads)" : e.Message);
            foreach (var loop in loops)
            {
                loop.Dispose();
            }

            throw new ServerStartException($"cannot start event loop {loops.Count + 1} of {count}: {cause}", e);
        }

        _ioLoops = [.. loops];
        _runConnection = connection => _ = Core.RunConnectionAsync((Connection)connection!);
    }

    /// <summary>
    /// Half the processors, at least one: the other half is left to the thread pool, the runtime's socket engine
    /// (accepts, timers, sockets a handler opens), the GC, and often a client on the same machine. On 2 cores with
    /// the load generator local, a second loop cost 40 % of the echo rate; <c>epoll_echo -t 2</c> loses the same
    /// to <c>-t 1</c> there (docs/performance.md).
    /// </summary>
    public static int DefaultLoopCount => Math.Max(1, Environment.ProcessorCount / 2);

    public override Task Completion => Task.WhenAll(_listenerLoops);

    public override void Start(IReadOnlyList<Listener> listeners)
    {
        foreach (var listener in listeners)
        {
            if (_ioLoops.Length > 0)
            {
                _listenerLoops.Add(StartOnLoop(listener, NextLoop()));
                continue;
            }

            var io = new AsyncSocketIO(listener.Socket);
            _listenerLoops.Add(listener.Kind.IsStream()
                ? Task.Run(() => Core.AcceptLoopAsync(listener, io, ConnectionIO, Dispatch))
                : Task.Run(() => Core.DatagramLoopAsync(listener, io)));
        }
    }

    public override void StopAccepting(IReadOnlyList<Listener> listeners)
    {
        foreach (var listener in listeners)
        {
            if (_listenersOnLoops.TryGetValue(listener, out var loop))
            {
                // Its socket is the loop's (its readiness state; batched calls use the raw descriptor): closed there,
                // never under a call.
                loop.Execute(() =>
                {
                    loop.Unregister(listener.Socket, new ObjectDisposedException(nameof(Listener)));
                    listener.Dispose();
                });
                continue;
            }

            listener.Dispose();
        }
    }

    public override void Dispose()
    {
        foreach (var loop in _ioLoops)
        {
            loop.Dispose();
        }

        base.Dispose();
    }

    private SocketIO ConnectionIO(System.Net.Sockets.Socket socket) =>
        _ioLoops.Length == 0 ? new AsyncSocketIO(socket) : new ReadinessSocketIO(socket, NextLoop());

    private SelectLoop NextLoop()
    {
        var next = (uint)Interlocked.Increment(ref _nextLoop);
        return _ioLoops[next % (uint)_ioLoops.Length];
    }

    /// <summary>
    /// A listener served on a loop, as a connection is. A datagram listener: non-blocking receives in batches and the
    /// handler on the loop thread (<see cref="ServerCore.DatagramLoopAsync"/>), no hand-off per datagram. A stream
    /// listener: non-blocking accepts on readiness, as the select model's. On the runtime's engine each accept woke
    /// its epoll thread, then a pool worker (which spun before sleeping again), then the connection's loop: with a
    /// connection per TLS handshake (<c>s_time -new</c>) that was a quarter of the server's CPU.
    /// </summary>
    private Task StartOnLoop(Listener listener, SelectLoop loop)
    {
        _listenersOnLoops[listener] = loop;
        var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(() =>
        {
            var io = new ReadinessSocketIO(listener.Socket, loop);
            started.TrySetResult(listener.Kind.IsStream()
                ? Core.AcceptLoopAsync(listener, io, ConnectionIO, Dispatch)
                : Core.DatagramLoopAsync(listener, io));
        });
        return started.Task.Unwrap();
    }

    private ValueTask Dispatch(Connection connection)
    {
        // Off the accept loop at once, so a slow handler start never delays the next accept (Kestrel does the same).
        // A TLS connection goes to its socket's loop like a plain one: its handshake and records then run where its
        // socket calls do. (On the thread pool, each of them hopped to the loop and back: 0.4x s_server's rate.)
        if (connection.IO.Loop is { } loop)
        {
            loop.Post(_runConnection, connection); // one delegate for all: a closure per connection is garbage at once
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Core.RunConnectionAsync(state.connection), (Core, connection), preferLocal: false);
        }

        return ValueTask.CompletedTask;
    }
}
