using Switchboard.Endpoints;
using Switchboard.Serving.Internal;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Models;

/// <summary>async/await on the thread pool, with the runtime's epoll engine underneath: the scalable default.</summary>
internal sealed class AsyncModel(ServerCore core) : ModelRunner(core)
{
    private readonly List<Task> _loops = [];

    public override Task Completion => Task.WhenAll(_loops);

    public override void Start(IReadOnlyList<Listener> listeners)
    {
        foreach (var listener in listeners)
        {
            var io = new AsyncSocketIO(listener.Socket);
            _loops.Add(listener.Kind.IsStream()
                ? Task.Run(() => Core.AcceptLoopAsync(listener, io, socket => new AsyncSocketIO(socket), Dispatch))
                : Task.Run(() => Core.DatagramLoopAsync(listener, io)));
        }
    }

    public override void StopAccepting(IReadOnlyList<Listener> listeners)
    {
        foreach (var listener in listeners)
        {
            listener.Dispose();
        }
    }

    private ValueTask Dispatch(Connection connection)
    {
        // Off the accept loop at once, so a slow handler start never delays the next accept (Kestrel does the same).
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Core.RunConnectionAsync(state.connection), (Core, connection), preferLocal: false);
        return ValueTask.CompletedTask;
    }
}
