using Microsoft.Extensions.Logging;
using Switchboard.Endpoints;
using Switchboard.Serving.Internal;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Models;

/// <summary>
/// The tutorials' <c>select</c> server done right: ONE thread, non-blocking sockets, and a readiness loop over the
/// listeners and every connection. Handlers are the same async code as elsewhere; each await that would block
/// parks the handler until the loop sees its socket ready.
/// </summary>
internal class SelectModel : ModelRunner
{
    private readonly List<Task> _loops = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SelectModel(ServerCore core, LoopBackend backend, ILogger logger, string threadName = "switchboard-select") : base(core)
    {
        Loop = new SelectLoop(threadName, backend, logger);
    }

    public override Task Completion => _started.Task.ContinueWith(_ => Task.WhenAll(_loops), TaskScheduler.Default).Unwrap();

    protected SelectLoop Loop { get; }

    public override void Start(IReadOnlyList<Listener> listeners) => Loop.Execute(() =>
    {
        foreach (var listener in listeners)
        {
            var io = new ReadinessSocketIO(listener.Socket, Loop);
            _loops.Add(listener.Kind.IsStream()
                ? Core.AcceptLoopAsync(listener, io, ConnectionIO, DispatchAsync)
                : Core.DatagramLoopAsync(listener, io, DatagramGate));
        }

        _started.TrySetResult();
    });

    public override void StopAccepting(IReadOnlyList<Listener> listeners) => Loop.Execute(() =>
    {
        foreach (var listener in listeners)
        {
            Loop.Unregister(listener.Socket, new ObjectDisposedException(nameof(Listener)));
            listener.Dispose();
        }
    });

    public override void Dispose()
    {
        Loop.Dispose();
        base.Dispose();
    }

    protected virtual SocketIO ConnectionIO(System.Net.Sockets.Socket socket) => new ReadinessSocketIO(socket, Loop);

    protected virtual ValueTask DispatchAsync(Connection connection)
    {
        _ = Core.RunConnectionAsync(connection); // runs on this loop thread until its first wait
        return ValueTask.CompletedTask;
    }

    protected virtual Func<Func<ValueTask>, ValueTask>? DatagramGate => null;
}
