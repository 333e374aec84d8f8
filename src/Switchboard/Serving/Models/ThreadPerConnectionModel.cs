using Switchboard.Endpoints;
using Switchboard.Serving.Internal;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Models;

/// <summary>
/// socketserver's <c>ThreadingMixIn</c>: a blocking accept thread per listener and a dedicated thread per
/// connection, with blocking sockets. A connection's thread ends with the connection, so none are left behind.
/// Datagrams are served on their listener's thread.
/// </summary>
internal sealed class ThreadPerConnectionModel(ServerCore core) : ModelRunner(core)
{
    private readonly List<Task> _loops = [];

    public override Task Completion => Task.WhenAll(_loops);

    public override void Start(IReadOnlyList<Listener> listeners)
    {
        foreach (var listener in listeners)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _loops.Add(done.Task);
            var thread = new Thread(() =>
            {
                try
                {
                    var io = new BlockingSocketIO(listener.Socket);
                    AsyncPump.Run(() => new ValueTask(listener.Kind.IsStream()
                        ? Core.AcceptLoopAsync(listener, io, socket => new BlockingSocketIO(socket), Dispatch)
                        : Core.DatagramLoopAsync(listener, io)));
                }
                finally
                {
                    done.TrySetResult();
                }
            })
            {
                IsBackground = true,
                Name = $"switchboard-listen {listener.Endpoint}",
            };
            thread.Start();
        }
    }

    public override void StopAccepting(IReadOnlyList<Listener> listeners)
    {
        // Disposing a listener wakes the thread blocked in accept() on it (.NET shuts the socket down first).
        foreach (var listener in listeners)
        {
            listener.Dispose();
        }
    }

    private ValueTask Dispatch(Connection connection)
    {
        var thread = new Thread(() => AsyncPump.Run(() => new ValueTask(Core.RunConnectionAsync(connection))))
        {
            IsBackground = true,
            Name = $"switchboard-connection #{connection.Id}",
        };
        thread.Start();
        return ValueTask.CompletedTask;
    }
}
