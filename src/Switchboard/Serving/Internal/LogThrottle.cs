using System.Collections.Concurrent;

namespace Switchboard.Serving.Internal;

/// <summary>
/// Lets one log line per key through per interval, so a flood of rejected connections or refused datagrams cannot
/// turn the log into the attacker's amplifier. Keys are reasons, never peer addresses, so the table stays small.
/// </summary>
internal sealed class LogThrottle(TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, long> _lastLogged = new();
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;

    public bool ShouldLog(string key)
    {
        var now = Environment.TickCount64;
        while (true)
        {
            if (!_lastLogged.TryGetValue(key, out var last))
            {
                if (_lastLogged.TryAdd(key, now))
                {
                    return true;
                }

                continue;
            }

            if (now - last < _intervalMs)
            {
                return false;
            }

            if (_lastLogged.TryUpdate(key, now, last))
            {
                return true;
            }
        }
    }
}
