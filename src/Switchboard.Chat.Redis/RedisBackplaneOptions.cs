using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;
using Switchboard.Options;

namespace Switchboard.Chat.Redis;

/// <summary>How a chat server joins the others through Redis (<see cref="RedisChatHub"/>).</summary>
public sealed class RedisBackplaneOptions
{
    /// <summary>
    /// Where Redis is and how to talk to it, as StackExchange.Redis takes it (endpoints, password, user, TLS);
    /// <see cref="RedisBackplaneUri.Parse"/> makes one from <c>redis://HOST:PORT</c> or <c>unix:///path</c>.
    /// Required.
    /// </summary>
    public ConfigurationOptions? Redis { get; set; }

    /// <summary>
    /// This server's name in the cluster, in the notices members read (<c>*** 3 lines from NAME were lost</c>) and in
    /// the keys that hold its members. Unique per running server. Defaults to the host name and process id.
    /// </summary>
    public string ServerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>
    /// Prefix of every key and channel, so several chats (or other programs) can share one Redis. Defaults to
    /// <c>switchboard:chat:</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "switchboard:chat:";

    /// <summary>
    /// How soon after a server dies (kill -9, a lost machine) the others announce its members as having left.
    /// Each server refreshes its presence five times in this span, with a lifetime of three fifths of it, so a
    /// server that stops refreshing is seen missing within it. Defaults to 15 s: long enough that a pause of a few
    /// seconds (a garbage collection, a busy Redis) is not taken for a death, short enough that a room does not
    /// keep ghosts for long.
    /// </summary>
    public TimeSpan ServerLostAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Lines waiting to be published to Redis before new ones are dropped (and counted, and reported to the
    /// receiving servers as lost). Bounds the memory a slow or absent Redis can cost. Defaults to 65,536: a few
    /// seconds of a busy server's lines, a few megabytes.
    /// </summary>
    public int MaxPendingPublishes { get; set; } = 65_536;

    /// <summary>Where the <c>Switchboard</c> meter comes from; null = a meter of the hub's own.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Where the hub logs (Redis lost and back, servers lost); null = nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Throws <see cref="OptionOutOfRangeException"/> (or <see cref="ArgumentException"/>) on a value out of range.</summary>
    public void Validate()
    {
        if (Redis is null || Redis.EndPoints.Count == 0)
        {
            throw new ArgumentException("RedisBackplaneOptions.Redis must name a Redis endpoint", nameof(Redis));
        }

        if (string.IsNullOrWhiteSpace(ServerId) || ServerId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException("RedisBackplaneOptions.ServerId must be a non-empty name without spaces", nameof(ServerId));
        }

        OptionOutOfRangeException.ThrowIfOutOfRange(ServerLostAfter, TimeSpan.FromMilliseconds(500), OptionLimits.LongestDuration, nameof(ServerLostAfter));
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxPendingPublishes, 1, OptionLimits.LargestCount, nameof(MaxPendingPublishes));
    }
}
