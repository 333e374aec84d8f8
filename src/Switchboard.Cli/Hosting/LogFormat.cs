namespace Switchboard.Cli.Hosting;

/// <summary>How log lines on stderr are written (<c>--log-format</c>).</summary>
internal enum LogFormat
{
    /// <summary>One line of text each: time, level, category, message (the simple console formatter).</summary>
    Plain,

    /// <summary>One JSON object per line (the JSON console formatter), for journald, Loki, jq and the like.</summary>
    Json,
}
