using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// Logs go to stderr, one line each, so stdout carries only what a script reads (the listening lines); the options
/// the library names in them are said as the tool's flags (<see cref="FlagNamingLoggerFactory"/>).
/// </summary>
internal static class ConsoleLogging
{
    public static ILoggerFactory Create(LogLevel minimum) => new FlagNamingLoggerFactory(LoggerFactory.Create(builder =>
    {
        builder.SetMinimumLevel(minimum);
        builder.AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
            options.ColorBehavior = LoggerColorBehavior.Disabled;
        });
    }));
}
