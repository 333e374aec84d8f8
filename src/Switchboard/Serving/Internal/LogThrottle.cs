using System.Collections.Concurrent;

namespace Switchboard.Serving.Internal;

/// <summary>
/// Lets one log line per key through per interval, so a flood of rejected connections or refused datagrams cannot
/// turn the log into the attacker's amplifier, and counts the rest: when the interval is over,
/// <c>onSuppressed</c> reports how many were held back ("… and 4812 more in the last 5 s"), either just before the
/// next line of that key or from <see cref="Flush"/> (the server's heartbeat), whichever comes first. Keys are
/// reasons, never peer addresses, so the table stays small.
/// </summary>
internal sealed class LogThrottle(TimeSpan interval, Action<string, long, double>? onSuppressed = null)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new();
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;

    public bool ShouldLog(string key)
    {
        var window = _windows.GetOrAdd(key, static _ => new Window());
        long suppressed;
        long elapsed;
        lock (window)
        {
            var now = Environment.TickCount64;
            elapsed = now - window.Opened;
            if (window.Opened != 0 && elapsed < _intervalMs)
            {
                window.Suppressed++;
                return false;
            }

            suppressed = window.Suppressed;
            window.Opened = now;
            window.Suppressed = 0;
        }

        Report(key, suppressed, elapsed);
        return true;
    }

    /// <summary>Reports the count of every key whose interval is over with lines held back, and closes its window.</summary>
    public void Flush()
    {
        foreach (var (key, window) in _windows)
        {
            long suppressed;
            long elapsed;
            lock (window)
            {
                elapsed = Environment.TickCount64 - window.Opened;
                if (window.Suppressed == 0 || elapsed < _intervalMs)
                {
                    continue;
                }

                suppressed = window.Suppressed;
                window.Suppressed = 0;
                window.Opened = 0; // the next line of this key goes through at once
            }

            Report(key, suppressed, elapsed);
        }
    }

    private void Report(string key, long suppressed, long elapsedMs)
    {
        if (suppressed > 0)
        {
            onSuppressed?.Invoke(key, suppressed, Math.Round(elapsedMs / 1000.0));
        }
    }

    private sealed class Window
    {
        public long Opened;
        public long Suppressed;
    }
}
