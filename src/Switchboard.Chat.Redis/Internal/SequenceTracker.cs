namespace Switchboard.Chat.Redis.Internal;

/// <summary>
/// The last (epoch, sequence) seen from each sender on each channel. Redis pub/sub delivers in order and drops
/// nothing while connected, so a jump in the sequence means lines were lost: published while one side was cut
/// off from Redis, or dropped by a full publish queue. A new epoch (the sender restarted) starts afresh.
/// </summary>
internal sealed class SequenceTracker
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Channel, string Server), (long Epoch, long Sequence)> _last = [];

    /// <summary>Records a message; returns how many lines before it never arrived (0 when none, or on first sight).</summary>
    public long Observe(string channel, string server, long epoch, long sequence)
    {
        lock (_lock)
        {
            var key = (channel, server);
            var missed = 0L;
            if (_last.TryGetValue(key, out var last) && last.Epoch == epoch && sequence > last.Sequence + 1)
            {
                missed = sequence - last.Sequence - 1;
            }

            if (!_last.TryGetValue(key, out last) || last.Epoch != epoch || sequence > last.Sequence)
            {
                _last[key] = (epoch, sequence);
            }

            return missed;
        }
    }

    /// <summary>
    /// Records a sender's word that it has numbered up to <paramref name="sequence"/> (a sync, in order after
    /// those lines); returns how many of them never arrived. A first sight of the sender sets where counting starts.
    /// </summary>
    public long Synced(string channel, string server, long epoch, long sequence)
    {
        lock (_lock)
        {
            var key = (channel, server);
            if (_last.TryGetValue(key, out var last) && last.Epoch == epoch)
            {
                if (sequence <= last.Sequence)
                {
                    return 0;
                }

                _last[key] = (epoch, sequence);
                return sequence - last.Sequence;
            }

            _last[key] = (epoch, sequence);
            return 0;
        }
    }

    /// <summary>Forgets a channel (unsubscribed: what was sent meanwhile was not for us, so it is no gap).</summary>
    public void Forget(string channel)
    {
        lock (_lock)
        {
            foreach (var key in _last.Keys.Where(k => k.Channel == channel).ToList())
            {
                _last.Remove(key);
            }
        }
    }
}
