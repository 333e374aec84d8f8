using System.Net.Sockets;
using Switchboard.Transport;

namespace Switchboard.Exec.Internal;

/// <summary>
/// One connection handed to one child as inetd does it (<see cref="ExecMode.Direct"/>): the accepted socket is its
/// stdin and stdout, and the server only waits for it to exit. Nothing is copied, so each direction ends as the
/// child ends it: its FIN goes out when it (and all it started) has closed the socket, its stdin reads the peer's
/// FIN. The server keeps its own descriptor, unread, until the child is reaped, then closes it gracefully.
/// </summary>
internal static class DirectSession
{
    private const int StandardError = 2; // ExecStderr.Inherit: our own, never closed here
    /// <summary>Hands the socket to the child and waits for it to be reaped; returns how it ended.</summary>
    /// <exception cref="ExecSpawnException">The child could not be started; nothing was sent to the peer.</exception>
    public static async ValueTask<ExecExit> RunAsync(Connection connection, ExecProgram program, CancellationToken stop)
    {

        var socket = connection.IO.Socket;
        var fd = (int)socket.SafeHandle.DangerousGetHandle();
        Socket? stderr = null;
        int childErr = -1;
        ChildProcess child;
        try
        {
            // O_NONBLOCK belongs to the open file, which the child shares: the runtime set it for its own I/O, and a
            // child's read would fail with EAGAIN ("Resource temporarily unavailable") instead of waiting.
            var flags = ProcessCalls.Fcntl(fd, ProcessCalls.GetStatusFlags, 0);
            if (flags >= 0 && (flags & ProcessCalls.NonBlocking) != 0)
            {
                ProcessCalls.Fcntl(fd, ProcessCalls.SetStatusFlags, flags & ~ProcessCalls.NonBlocking);
            }

            switch (program.Options.Stderr)
            {
                case ExecStderr.Log:
                    SocketPair.Create(out stderr, out childErr);
                    break;
                case ExecStderr.Peer:
                    childErr = fd;
                    break;
                case ExecStderr.Inherit:
                    childErr = StandardError;
                    break;
            }

            var environment = ChildEnvironment.For(connection.RemoteEndPoint, socket.LocalEndPoint);
            child = new ChildProcess(program.Image.Spawn(environment, fd, fd, childErr));
            ChildReaper.Track(child);
            ExecLog.Started(program.Logger, connection.Id, program.Name, child.Pid, "direct");
        }
        catch (Exception e) when (e is ExecSpawnException or SocketException or ObjectDisposedException)
        {
            stderr?.Dispose();
            throw e as ExecSpawnException ?? new ExecSpawnException(e.Message, e);
        }
        finally
        {
            if (childErr >= 0 && childErr != fd && childErr != StandardError)
            {
                ProcessCalls.Close(childErr);
            }
        }

        if (socket.AddressFamily is System.Net.Sockets.AddressFamily.InterNetwork or System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            // The server sees none of the child's bytes, so it asks the kernel when data last moved.
            connection.HandleIdleTimeout(idle =>
            {
                if (TcpActivity.IdleFor(socket) >= idle)
                {
                    connection.TrySetCloseReason(CloseReason.Idle);
                    child.TerminateThenKill(program.Options.KillGrace);
                }
            });
        }
        else
        {
            connection.HandleIdleTimeout(static _ => { }); // a Unix socket has no such record: never idle-closed
        }

        var stderrPump = stderr is null ? Task.CompletedTask : StderrLog.PumpAsync(stderr, program.Logger, connection.Id, child.Pid);
        using (connection.ServerStopping.Register(static c => ((ChildProcess)c!).Terminate(), child))
        using (connection.Aborted.Register(() => child.TerminateThenKill(program.Options.KillGrace)))
        using (stop.Register(() => child.TerminateThenKill(program.Options.KillGrace)))
        {
            var exit = await child.Exited.ConfigureAwait(false);
            await stderrPump.ConfigureAwait(false);
            stderr?.Dispose();
            program.LogExit(connection.Id, child, exit);
            await SendFinAsync(connection).ConfigureAwait(false);
            return exit;
        }
    }

    /// <summary>
    /// The child is gone, but our descriptor still holds the connection open: the FIN now, as the relay sends it when
    /// the child's output ends. A server would close it next anyway; a client's caller (<c>connect --exec</c>) may
    /// wait for the peer's end first, which would never come while the peer waits for ours.
    /// </summary>
    private static async ValueTask SendFinAsync(Connection connection)
    {
        if (connection.Aborted.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await connection.ShutdownOutputAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionException or SocketException or ObjectDisposedException or IOException)
        {
            // The peer is gone already: there is nobody to send a FIN to.
        }
    }
}
