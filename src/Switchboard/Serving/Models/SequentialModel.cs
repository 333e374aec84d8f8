using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Serving.Internal;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Models;

/// <summary>
/// socketserver's <c>TCPServer</c>: one request at a time on one thread. The thread waits for any listener to be
/// ready; the connection it accepts is served with blocking I/O to its end before anything else is accepted or
/// received. Datagrams on other listeners wait their turn the same way.
/// </summary>
internal sealed class SequentialModel(ServerCore core, LoopBackend backend, ILogger logger)
    : SelectModel(core, backend, logger, "switchboard-sequential")
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    protected override SocketIO ConnectionIO(Socket socket) => new BlockingSocketIO(socket);

    protected override ValueTask DispatchAsync(Connection connection) => OneAtATime(() => new ValueTask(Core.RunConnectionAsync(connection)));

    protected override Func<Func<ValueTask>, ValueTask>? DatagramGate => OneAtATime;

    public override void StopAccepting(IReadOnlyList<Listener> listeners)
    {
        // The loop thread may be inside a connection's blocking call for as long as that connection lasts; a
        // posted close would wait for it while the kernel kept completing handshakes. Close the listeners now;
        // the loop drops their waits when it next looks (a disposed socket fails its wait).
        foreach (var listener in listeners)
        {
            listener.Dispose();
        }

        base.StopAccepting(listeners);
    }

    public override void Dispose()
    {
        base.Dispose();
        _turn.Dispose();
    }

    private async ValueTask OneAtATime(Func<ValueTask> work)
    {
        await _turn.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            _turn.Release();
        }
    }
}
