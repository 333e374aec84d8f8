using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Tests.Exec;

/// <summary>Keeps every formatted log line, to check what the exec service logs (stderr lines, exit statuses).</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory, ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(formatter(state, exception));

    public void Dispose()
    {
    }
}
