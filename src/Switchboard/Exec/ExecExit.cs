namespace Switchboard.Exec;

/// <summary>
/// How a child ended, as <c>waitpid</c> said, and how long it ran: what <see cref="ExecService.RunAsync(Transport.Connection, CancellationToken)"/>
/// returns. <see cref="ShellStatus"/> folds it into one number the way a shell's <c>$?</c> does.
/// </summary>
/// <param name="ExitCode">Its exit status; -1 when a signal ended it or the status is unknown.</param>
/// <param name="Signal">The signal that ended it; 0 when it exited.</param>
/// <param name="RunTime">From spawn to reap.</param>
/// <param name="Known">False when another part of the process reaped it first (the runtime reaps every child when
/// the process started with SIGCHLD ignored), so the status is lost.</param>
public readonly record struct ExecExit(int ExitCode, int Signal, TimeSpan RunTime, bool Known = true)
{
    /// <summary>
    /// The status as a shell reports it: the exit status, or 128 + the signal's number when a signal ended the child
    /// (SIGTERM: 143); 255 when the status is unknown. What <c>connect --exec</c> and <c>listen --exec</c> exit with.
    /// </summary>
    public int ShellStatus => !Known ? 255 : Signal != 0 ? 128 + Signal : ExitCode;

    /// <summary>For a log line: "exited with status 0", "killed by signal 9 (SIGKILL)".</summary>
    public string Describe() => !Known ? "ended (status unknown: reaped elsewhere)"
        : Signal != 0 ? $"killed by signal {Signal}{SignalName(Signal)}"
        : $"exited with status {ExitCode}";

    private static string SignalName(int signal) => signal switch
    {
        1 => " (SIGHUP)",
        2 => " (SIGINT)",
        6 => " (SIGABRT)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        13 => " (SIGPIPE)",
        15 => " (SIGTERM)",
        _ => string.Empty,
    };
}
