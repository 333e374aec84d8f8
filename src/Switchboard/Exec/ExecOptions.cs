using Switchboard.Options;

namespace Switchboard.Exec;

/// <summary>
/// The program <see cref="ExecService"/> starts for each connection, and how. The connection limit, the idle
/// timeout and the drain are the server's (<c>ServerOptions</c>), as for any service.
/// </summary>
public sealed class ExecOptions
{
    /// <summary>
    /// The program: a path, or a name looked up in <c>PATH</c> once, when the service is made. Required.
    /// </summary>
    public string Program { get; set; } = string.Empty;

    /// <summary>Its arguments, after argv[0] (which is <see cref="Program"/> as given).</summary>
    public IList<string> Arguments { get; } = [];

    /// <summary>Relay (the default, every transport) or direct (Linux: the socket itself is stdin and stdout).</summary>
    public ExecMode Mode { get; set; } = ExecMode.Relay;

    /// <summary>Where the child's stderr goes. Defaults to <see cref="ExecStderr.Log"/>.</summary>
    public ExecStderr Stderr { get; set; } = ExecStderr.Log;

    /// <summary>
    /// After the child has exited and its output has gone out with a FIN, how long the server goes on reading (and
    /// discarding) what the peer still sends before it closes. Defaults to 2 seconds, Apache's lingering-close
    /// wait. Closing a socket with unread input sends a reset, and a reset can destroy the child's last bytes on
    /// their way to the peer; reading until the peer closes too (or this long) lets them arrive.
    /// </summary>
    public TimeSpan LingerTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// When the connection is aborted (idle timeout, the peer gone), how long a child has between SIGTERM and
    /// SIGKILL. Defaults to 1 second, under the 2 seconds the server waits after the drain's end. On stop the child
    /// gets SIGTERM when the drain begins and SIGKILL when it ends (<c>ServerOptions.DrainTimeout</c>).
    /// </summary>
    public TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Options for <c>/bin/sh -c COMMAND</c> (ncat's <c>--sh-exec</c>).</summary>
    public static ExecOptions Shell(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var options = new ExecOptions { Program = "/bin/sh" };
        options.Arguments.Add("-c");
        options.Arguments.Add(command);
        return options;
    }

    /// <summary>Checks the values; throws <see cref="OptionOutOfRangeException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(Program))
        {
            throw new ArgumentException("Program: no program given", nameof(Program));
        }

        Duration(LingerTimeout, nameof(LingerTimeout));
        Duration(KillGrace, nameof(KillGrace));
    }

    private static void Duration(TimeSpan value, string name) =>
        OptionOutOfRangeException.ThrowIfOutOfRange(value, TimeSpan.Zero, OptionLimits.LongestDuration, name);
}
