using Microsoft.Extensions.Logging;

namespace Switchboard.Exec.Internal;

/// <summary>Source-generated log messages of the exec service, with stable event ids (500–509).</summary>
internal static partial class ExecLog
{
    [LoggerMessage(500, LogLevel.Debug, "connection #{Id}: started {Program} as pid {Pid} ({Mode})")]
    public static partial void Started(ILogger logger, long id, string program, int pid, string mode);

    [LoggerMessage(501, LogLevel.Information, "connection #{Id}: pid {Pid} {Outcome} after {Milliseconds} ms")]
    public static partial void Exited(ILogger logger, long id, int pid, string outcome, double milliseconds);

    [LoggerMessage(502, LogLevel.Warning, "connection #{Id} from {Peer}: cannot start {Program}: {Reason}")]
    public static partial void SpawnFailed(ILogger logger, long id, string peer, string program, string reason);

    [LoggerMessage(503, LogLevel.Information, "connection #{Id}: pid {Pid} stderr: {Line}")]
    public static partial void Stderr(ILogger logger, long id, int pid, string line);

    [LoggerMessage(504, LogLevel.Warning, "connection #{Id} from {Peer}: direct mode cannot hand a TLS connection to a program (use relay mode)")]
    public static partial void DirectRefused(ILogger logger, long id, string peer);

    [LoggerMessage(505, LogLevel.Warning, "{What}: ... and {Count} more in the last {Seconds} s")]
    public static partial void Suppressed(ILogger logger, string what, long count, double seconds);
}
