using System.Net.Sockets;
using Switchboard.Transport;

namespace Switchboard.Exec.Internal;

/// <summary>
/// One connection relayed to one child: the peer's bytes to its stdin, its stdout to the peer, each direction
/// ending on its own (docs/cli.md, "serve exec").
/// <list type="bullet">
/// <item>The peer half-closes: the child's stdin gets end of stream; its output still flows until it closes stdout.</item>
/// <item>The child closes stdout (or exits): every byte it wrote goes out, then a FIN. What the peer still sends goes
/// to the child while it runs (a child that closed stdin: discarded), then, once it has exited, is read and
/// discarded for up to <see cref="ExecOptions.LingerTimeout"/>, so no reset destroys the last bytes in flight.</item>
/// </list>
/// The handler's own thread reads the connection (under the threads and sequential models it blocks there); the
/// child's stdout is pumped beside it (<see cref="Connection.StartBesideHandler"/>). Writes to the child's stdin
/// block the handler's thread under those models and are asynchronous under the event-loop models, whose thread
/// must never block.
/// </summary>
internal sealed class RelaySession
{
    private const int StandardError = 2; // ExecStderr.Inherit: our own, never closed here
    private readonly Connection _connection;
    private readonly ExecProgram _program;
    private readonly ChildProcess _child;
    private readonly Socket _stdin;
    private readonly Socket _stdout;
    private readonly bool _blocking;
    private readonly TaskCompletionSource _peerDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _lingerCut;

    private RelaySession(Connection connection, ExecProgram program, ChildProcess child, Socket stdin, Socket stdout)
    {
        _connection = connection;
        _program = program;
        _child = child;
        _stdin = stdin;
        _stdout = stdout;
        _blocking = connection.IO.BlocksCaller;
    }

    /// <summary>Spawns the child and relays until it has exited and its output is out; returns how it ended.</summary>
    /// <exception cref="ExecSpawnException">The child could not be started; nothing was sent to the peer.</exception>
    public static async ValueTask<ExecExit> RunAsync(Connection connection, ExecProgram program, CancellationToken stop)
    {
        Socket? stdin = null, stdout = null, stderr = null;
        ChildProcess child;
        try
        {
            child = Spawn(connection, program, out stdin, out stdout, out stderr);
        }
        catch (ExecSpawnException)
        {
            stdin?.Dispose();
            stdout?.Dispose();
            stderr?.Dispose();
            throw;
        }

        var session = new RelaySession(connection, program, child, stdin, stdout);
        var stderrPump = stderr is null ? Task.CompletedTask : StderrLog.PumpAsync(stderr, program.Logger, connection.Id, child.Pid);
        ExecExit exit;
        try
        {
            await session.RelayAsync(stop).ConfigureAwait(false);
        }
        finally
        {
            exit = await child.Exited.ConfigureAwait(false);
            await stderrPump.ConfigureAwait(false);
            stdin.Dispose();
            stdout.Dispose();
            stderr?.Dispose();
            program.LogExit(connection.Id, child, exit);
        }

        return exit;
    }

    private static ChildProcess Spawn(Connection connection, ExecProgram program, out Socket stdin, out Socket stdout, out Socket? stderr)
    {
        int childIn = -1, childOut = -1, childErr = -1;
        stdin = stdout = null!;
        stderr = null;
        try
        {
            SocketPair.Create(out stdin, out childIn);
            SocketPair.Create(out stdout, out childOut);
            switch (program.Options.Stderr)
            {
                case ExecStderr.Log:
                    SocketPair.Create(out var ours, out childErr);
                    stderr = ours;
                    break;
                case ExecStderr.Peer:
                    childErr = childOut;
                    break;
                case ExecStderr.Inherit:
                    childErr = StandardError;
                    break;
            }

            var socket = connection.IO.Socket;
            var environment = ChildEnvironment.For(connection.RemoteEndPoint, SafeLocal(socket));
            var child = new ChildProcess(program.Image.Spawn(environment, childIn, childOut, childErr));
            ChildReaper.Track(child);
            ExecLog.Started(program.Logger, connection.Id, program.Name, child.Pid, "relay");
            return child;
        }
        finally
        {
            // The child has its copies (or there is no child): ours of its ends must go, or its EOF never comes.
            CloseRaw(childIn);
            CloseRaw(childOut);
            if (childErr != childOut && childErr != StandardError)
            {
                CloseRaw(childErr);
            }
        }
    }

    private async ValueTask RelayAsync(CancellationToken stop)
    {
        // Stop: SIGTERM as the drain begins; an abort (idle timeout, the drain's end, the peer gone): SIGTERM and
        // SIGKILL after the grace, or SIGKILL at once after the stop's SIGTERM. The caller's stop (connect and
        // listen: Ctrl-C) has no drain to end it, so SIGKILL follows after the grace.
        using var onStop = _connection.ServerStopping.Register(static c => ((ChildProcess)c!).Terminate(), _child);
        using var onCallerStop = stop.Register(static s => ((RelaySession)s!).OnStopped(), this);
        using var onAbort = _connection.Aborted.Register(static s => ((RelaySession)s!).OnAborted(), this);
        var downstream = _connection.StartBesideHandler(DownstreamAsync);
        Exception? failure = null;
        try
        {
            await UpstreamAsync().ConfigureAwait(false);
        }
        catch (ConnectionException) when (_lingerCut)
        {
            // The linger ended the connection: the child's output was delivered long since.
        }
        catch (Exception e)
        {
            failure = e;
            _child.TerminateThenKill(_program.Options.KillGrace); // the peer is gone: nobody to talk to
        }
        finally
        {
            _peerDone.TrySetResult();
        }

        try
        {
            await downstream.ConfigureAwait(false);
        }
        catch (Exception) when (failure is not null)
        {
            // The upstream's failure is the one to report.
        }

        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void OnStopped() => _child.TerminateThenKill(_program.Options.KillGrace);

    private void OnAborted()
    {
        _child.TerminateThenKill(_program.Options.KillGrace);
        _stdout.Dispose(); // nowhere to send it: ends the downstream pump at once
    }

    /// <summary>Peer → child's stdin, until the peer's end of stream; then the child's stdin ends (EOF).</summary>
    private async Task UpstreamAsync()
    {
        var input = _connection.Input;
        var forwarding = true;
        while (true)
        {
            var result = await input.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (forwarding)
            {
                foreach (var segment in buffer)
                {
                    if (!await TrySendAsync(segment).ConfigureAwait(false))
                    {
                        forwarding = false; // the child closed its stdin or exited: the rest is discarded
                        break;
                    }
                }
            }

            input.AdvanceTo(buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        if (forwarding)
        {
            ShutdownQuietly(_stdin, SocketShutdown.Send);
        }
    }

    private async ValueTask<bool> TrySendAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            while (!data.IsEmpty)
            {
                var sent = _blocking
                    ? _stdin.Send(data.Span, SocketFlags.None)
                    : await _stdin.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
                data = data[sent..];
            }

            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Child's stdout → peer, then FIN; then the child's exit, then the linger over the peer's input.</summary>
    private async Task DownstreamAsync()
    {
        try
        {
            await PumpDownstreamAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The peer stopped taking bytes (reset): the child goes, and the handler's read, which may wait for ever
            // on a peer that no longer reads, is woken by the abort.
            _child.TerminateThenKill(_program.Options.KillGrace);
            _connection.Abort(e is ConnectionException lost ? lost.Reason : CloseReason.Error);
            throw;
        }
    }

    private async Task PumpDownstreamAsync()
    {
        var output = _connection.Output;
        while (true)
        {
            var memory = output.GetMemory(16 * 1024);
            int received;
            try
            {
                received = await _stdout.ReceiveAsync(memory, SocketFlags.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                received = 0; // the child's end reset, or the connection was aborted (OnAborted)
            }

            if (received == 0)
            {
                break;
            }

            output.Advance(received);
            await output.FlushAsync().ConfigureAwait(false);
        }

        if (!_connection.Aborted.IsCancellationRequested)
        {
            await _connection.ShutdownOutputAsync().ConfigureAwait(false); // FIN after every byte the child wrote
        }

        // A child may close stdout and go on reading stdin: the peer's bytes still go to it until it exits.
        await _child.Exited.ConfigureAwait(false);
        ShutdownQuietly(_stdin, SocketShutdown.Both);
        if (!_peerDone.Task.IsCompleted && await Task.WhenAny(_peerDone.Task, Task.Delay(_program.Options.LingerTimeout)).ConfigureAwait(false) != _peerDone.Task)
        {
            // The peer goes on sending to a program that is gone. Its output left with a FIN a linger ago; now the
            // connection ends (this also wakes a handler thread blocked in receive under the blocking models).
            _lingerCut = true;
            _connection.TrySetCloseReason(CloseReason.Completed);
            _connection.Abort();
        }
    }

    private static void ShutdownQuietly(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private static System.Net.EndPoint? SafeLocal(Socket socket)
    {
        try
        {
            return socket.LocalEndPoint;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return null;
        }
    }

    private static void CloseRaw(int fd)
    {
        if (fd >= 0)
        {
            ProcessCalls.Close(fd);
        }
    }
}
