namespace Switchboard.Chat.Internal;

/// <summary>
/// A one-shot deadline a session arms and disarms (the nick timeout, the line timeout): one timer per deadline,
/// re-armed rather than re-created, and none at all when the timeout is off (zero or infinite). Start and Stop are
/// called from the session only; the expiry runs on a timer thread.
/// </summary>
internal sealed class ChatDeadline : IDisposable
{
    // System.Threading timers take at most 0xFFFFFFFE ms (about 49.7 days); a longer timeout is as good as that.
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    private readonly ITimer? _timer;
    private readonly TimeSpan _timeout;
    private bool _armed;

    public ChatDeadline(TimeProvider clock, TimeSpan timeout, Action expired)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return;
        }

        _timeout = timeout < Longest ? timeout : Longest;
        _timer = clock.CreateTimer(static state => Expire((Action)state!), expired, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Arms the deadline, unless it is armed already (it then keeps its first expiry).</summary>
    public void Start()
    {
        if (_timer is not null && !_armed)
        {
            _armed = true;
            _timer.Change(_timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Disarms the deadline.</summary>
    public void Stop()
    {
        if (_timer is not null && _armed)
        {
            _armed = false;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _timer?.Dispose();

    private static void Expire(Action expired)
    {
        try
        {
            expired();
        }
        catch (ObjectDisposedException)
        {
            // The session ended as the timer fired: nothing left to close. A throw here would end the process.
        }
    }
}
