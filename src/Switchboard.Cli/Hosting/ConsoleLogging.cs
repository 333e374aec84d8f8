using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// Logs go to stderr, one line each, so stdout carries only what a script reads (the listening lines); the options
/// the library names in them are said as the tool's flags (<see cref="FlagNamingLoggerFactory"/>).
/// </summary>
internal static class ConsoleLogging
{
    public static ILoggerFactory Create(LogLevel minimum, LogFormat format = LogFormat.Plain) => new FlagNamingLoggerFactory(LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(minimum);
        builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        if (format == LogFormat.Json)
        {
            builder.AddJsonConsole(options =>
            {
                options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                options.UseUtcTimestamp = true;
                options.JsonWriterOptions = new JsonWriterOptions { Indented = false }; // one object per line
            });
            return;
        }

        builder.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    }));
}
