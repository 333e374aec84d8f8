using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Switchboard.Transport;

namespace Switchboard.AspNetCore.Internal;

/// <summary>
/// Message deadlines (<see cref="Connection.BeginMessage"/>) for one listener's live connections: a Switchboard
/// server checks them on its heartbeat; Kestrel has none for a connection handler, so this is it. One timer, every
/// 500 ms as the server's, armed while the listener has connections, so an idle listener costs no wake-ups.
/// </summary>
internal sealed class KestrelHeartbeat
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<PipeConnection, byte> _live = new();
    private readonly ILogger _logger;
    private readonly Lock _timerLock = new();
    private ITimer? _timer;

    public KestrelHeartbeat(ILogger logger) => _logger = logger;

    public void Add(PipeConnection connection)
    {
        _live.TryAdd(connection, 0);
        lock (_timerLock)
        {
            _timer ??= TimeProvider.System.CreateTimer(_ => Sweep(), null, Period, Period);
        }
    }

    public void Remove(PipeConnection connection)
    {
        _live.TryRemove(connection, out _);
        lock (_timerLock)
        {
            if (_live.IsEmpty && _timer is not null)
            {
                _timer.Dispose();
                _timer = null;
            }
        }
    }

    private void Sweep()
    {
        foreach (var connection in _live.Keys)
        {
            var openFor = connection.MessageOpenFor;
            if (connection.CheckMessageDeadline())
            {
                var seconds = Math.Round((openFor ?? TimeSpan.Zero).TotalSeconds, 1);
                KestrelLog.MessageTimedOut(_logger, connection.Connection.Id, connection.Connection.RemoteText, seconds);
            }
        }
    }
}
