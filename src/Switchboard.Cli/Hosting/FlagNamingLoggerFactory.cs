using Microsoft.Extensions.Logging;
using Switchboard.Cli.Parsing;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// The tool's loggers: each line the library writes says the tool's flag where the library named its option
/// (<see cref="OptionFlags.InFlags"/>), so <c>… is the limit (MaxConnections)</c> reads <c>(--max-connections)</c>
/// on the operator's terminal. Only the formatted message changes; the structured state stays the library's.
/// </summary>
internal sealed class FlagNamingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new FlagNamingLogger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private sealed class FlagNamingLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Log(logLevel, eventId, state, exception, (s, e) => OptionFlags.InFlags(formatter(s, e)));
    }
}
