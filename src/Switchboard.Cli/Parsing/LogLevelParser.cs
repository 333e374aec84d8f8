using Microsoft.Extensions.Logging;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// <c>--log-level</c>: the names of <see cref="LogLevel"/> in any case, and the short ones people type from other
/// tools (<c>info</c>, <c>warn</c>, <c>crit</c>), so <c>--log-level info</c> means Information.
/// </summary>
internal static class LogLevelParser
{
    /// <summary>The accepted names, for <c>--help</c> and the error line.</summary>
    public const string Names = "trace, debug, information (info), warning (warn), error, critical (crit), none";

    public static LogLevel Parse(string text, string option) => text.Trim().ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "information" or "info" => LogLevel.Information,
        "warning" or "warn" => LogLevel.Warning,
        "error" => LogLevel.Error,
        "critical" or "crit" => LogLevel.Critical,
        "none" => LogLevel.None,
        _ => throw new UsageException($"{option}: '{text}' is not a log level; use one of {Names}"),
    };
}
