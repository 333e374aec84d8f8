using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Exec.Internal;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Exec;

/// <summary>
/// A process per connection: each stream connection (tcp, tls, unix) gets its own child, whose stdin is what the
/// peer sends and whose stdout goes to the peer — socketserver's <c>ForkingMixIn</c>, inetd's <c>nowait</c>
/// services, systemd's <c>Accept=yes</c>, ncat's <c>-e</c>. Each direction ends on its own: the peer's FIN is the
/// child's end of stdin and its output still flows after it; the child's closing stdout (or exit) sends a FIN after
/// every byte it wrote. The child learns who calls from its environment (<c>REMOTE_ADDR</c>, <c>REMOTE_PORT</c>,
/// <c>LOCAL_ADDR</c>, <c>LOCAL_PORT</c>, <c>PROTO</c>, and tcpserver's <c>TCPREMOTEIP</c>, <c>TCPREMOTEPORT</c>,
/// <c>TCPLOCALIP</c>, <c>TCPLOCALPORT</c>), runs in a process group of its own with every signal at its default,
/// gets SIGTERM when the server stops and SIGKILL when the drain ends, and is always reaped; its exit status and run
/// time are logged. Pair it with <c>ServerOptions.PauseAcceptingAtLimit</c>, so that <c>MaxConnections</c> is the
/// limit on children and newcomers wait rather than being started only to be closed.
/// Unix only (posix_spawn); <see cref="ExecMode.Direct"/> on Linux.
/// </summary>
public sealed class ExecService : IStreamHandler, IEndpointCheck, IDisposable
{
    private readonly ExecProgram _program;

    /// <summary>
    /// Makes the service for <paramref name="options"/>, finding the program now (in <c>PATH</c> when it names no
    /// directory) so a server never starts with a program no connection could run.
    /// </summary>
    /// <exception cref="ExecProgramException">The program is not found, not a file, or not executable.</exception>
    /// <exception cref="PlatformNotSupportedException">Not a Unix system, or direct mode off Linux.</exception>
    public ExecService(ExecOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("a process per connection needs posix_spawn: Linux or another Unix");
        }

        if (options.Mode == ExecMode.Direct && !OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("direct mode (the socket as the child's stdin and stdout) is for Linux; use relay mode");
        }

        var path = ProgramPath.Resolve(options.Program);
        var image = new ProgramImage(path, [options.Program, .. options.Arguments], ChildEnvironment.Inherited());
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Exec");
        _program = new ExecProgram(image, options.Program, options, logger);
    }

    /// <summary>Relay or direct, as the options said.</summary>
    public ExecMode Mode => _program.Options.Mode;

    /// <summary>The children this process has spawned and not yet reaped (every <see cref="ExecService"/>'s).</summary>
    public static int RunningChildren => ChildReaper.Count;

    /// <inheritdoc/>
    /// <remarks>
    /// A child that cannot be started (the program removed since, no memory for a process) is one warning line per
    /// 5 s; the peer then reads a plain end of stream (FIN), as from ncat and inetd, rather than a reset, which a
    /// client reports as a network fault. Nothing is written to the peer: its stream is the program's protocol.
    /// </remarks>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        try
        {
            await RunAsync(connection, CancellationToken.None).ConfigureAwait(false); // the server's stop reaches it through the connection
        }
        catch (ExecProgramException)
        {
            // Logged by RunAsync; returning closes the connection gracefully.
        }
        catch (NotSupportedException)
        {
            if (_program.Throttle.ShouldLog("direct mode over TLS"))
            {
                ExecLog.DirectRefused(_program.Logger, connection.Id, connection.RemoteText);
            }

            connection.TrySetCloseReason(CloseReason.Error);
        }
    }

    /// <summary>
    /// Runs the program for one connection a server accepted (what <see cref="HandleAsync"/> does), and returns how
    /// it ended once it has been reaped and its output has gone out with a FIN. <paramref name="cancellationToken"/>
    /// stops it: SIGTERM, then SIGKILL after <see cref="ExecOptions.KillGrace"/>; the call still returns the exit.
    /// </summary>
    /// <exception cref="ExecProgramException">The child could not be started (logged once per 5 s); nothing was sent.</exception>
    /// <exception cref="NotSupportedException">Direct mode on a TLS connection, whose bytes the child could not read.</exception>
    public ValueTask<ExecExit> RunAsync(Connection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return RunOnAsync(connection, cancellationToken);
    }

    /// <summary>
    /// Runs the program on a client's connection (ncat's <c>-e</c> after a connect): the server's bytes are its
    /// stdin, its stdout goes to the server, each direction ending on its own, as for an accepted connection; its
    /// environment names the server as <c>REMOTE_ADDR</c>/<c>REMOTE_PORT</c> and this end as <c>LOCAL_*</c>. The
    /// connection is left open, its sending side shut down (FIN) once the program is done with it (in direct mode, once
    /// it has exited): dispose it after. Otherwise as
    /// <see cref="RunAsync(Connection, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="ExecProgramException">The child could not be started; nothing was sent.</exception>
    /// <exception cref="NotSupportedException">Direct mode on a TLS connection, whose bytes the child could not read.</exception>
    public ValueTask<ExecExit> RunAsync(ClientConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return RunOnAsync(connection.Connection, cancellationToken);
    }

    /// <inheritdoc/>
    void IEndpointCheck.Check(EndpointUri endpoint)
    {
        if (Mode == ExecMode.Direct && endpoint.Kind == TransportKind.Tls)
        {
            throw new ArgumentException($"{endpoint}: direct exec mode cannot hand a TLS connection to a program (it would read ciphertext); use ExecMode.Relay");
        }
    }

    private async ValueTask<ExecExit> RunOnAsync(Connection connection, CancellationToken cancellationToken)
    {
        var direct = _program.Options.Mode == ExecMode.Direct;
        if (direct && connection.LocalEndpoint.Kind == TransportKind.Tls)
        {
            throw new NotSupportedException("direct exec mode cannot hand a TLS connection to a program (it would read ciphertext); use relay mode");
        }

        try
        {
            return direct
                ? await DirectSession.RunAsync(connection, _program, cancellationToken).ConfigureAwait(false)
                : await RelaySession.RunAsync(connection, _program, cancellationToken).ConfigureAwait(false);
        }
        catch (ExecSpawnException e)
        {
            if (_program.Throttle.ShouldLog("cannot start " + _program.Name))
            {
                ExecLog.SpawnFailed(_program.Logger, connection.Id, connection.RemoteText, _program.Name, e.Message);
            }

            throw new ExecProgramException($"cannot start {_program.Name}: {e.Message}", e);
        }
    }

    /// <summary>Frees the program's native strings; call after the server using it has stopped.</summary>
    public void Dispose() => _program.Image.Dispose();
}
