using Microsoft.Extensions.Logging;
using Switchboard.Serving.Internal;

namespace Switchboard.Exec.Internal;

/// <summary>What every connection's session of one <see cref="ExecService"/> shares: the program image, options, log.</summary>
internal sealed class ExecProgram(ProgramImage image, string name, ExecOptions options, ILogger logger)
{
    public ProgramImage Image { get; } = image;

    /// <summary>The program as given, for log lines.</summary>
    public string Name { get; } = name;

    public ExecOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    /// <summary>A program that keeps failing to start fails for every connection: one line per 5 s, the rest counted.</summary>
    public LogThrottle Throttle { get; } = new(TimeSpan.FromSeconds(5), (key, count, seconds) =>
        ExecLog.Suppressed(logger, key, count, Math.Round(seconds)));

    /// <summary>Logs the child's end: its status and run time.</summary>
    public void LogExit(long connectionId, ChildProcess child, ExecExit exit)
    {
        if (Logger.IsEnabled(LogLevel.Information))
        {
            ExecLog.Exited(Logger, connectionId, child.Pid, exit.Describe(), Math.Round(exit.RunTime.TotalMilliseconds, 1));
        }
    }
}
