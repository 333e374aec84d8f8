using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
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
public sealed class ExecService : IStreamHandler, IDisposable
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
    public ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return _program.Options.Mode == ExecMode.Direct
            ? DirectSession.RunAsync(connection, _program)
            : RelaySession.RunAsync(connection, _program);
    }

    /// <summary>Frees the program's native strings; call after the server using it has stopped.</summary>
    public void Dispose() => _program.Image.Dispose();
}
