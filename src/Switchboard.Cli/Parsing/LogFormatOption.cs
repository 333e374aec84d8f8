using System.CommandLine;
using Switchboard.Cli.Hosting;

namespace Switchboard.Cli.Parsing;

/// <summary><c>--log-format plain|json</c>, the companion of <c>--log-level</c>.</summary>
internal static class LogFormatOption
{
    public static Option<string> Create()
    {
        var option = new Option<string>("--log-format")
        {
            Description = "How log lines on stderr are written: plain (one line of text each) or json (one JSON object per line)",
            DefaultValueFactory = _ => "plain",
        };
        option.AcceptOnlyFromAmong("plain", "json");
        return option;
    }

    public static LogFormat Parse(string text) => text == "json" ? LogFormat.Json : LogFormat.Plain;
}
