using Switchboard.Options;

namespace Switchboard.Serving;

/// <summary>
/// The limits of a <see cref="Server"/> that may change while it runs (<see cref="Server.UpdateLimits"/>): each means
/// what the <see cref="ServerOptions"/> property of the same name means. Everything else (listeners, model, loop
/// backend, transport options, TLS) is fixed at <see cref="Server.Start"/>: changing it needs a new server.
/// </summary>
/// <remarks>
/// Immutable, so a running server swaps the whole set at once and a connection never sees half an update. Take the
/// limits in force and change what you mean to: <c>server.UpdateLimits(server.Limits with { MaxConnections = 100 })</c>.
/// </remarks>
public sealed record ServerLimits
{
    /// <summary><see cref="ServerOptions.MaxConnections"/>. Lowered below the live count, new connections are refused until enough have ended; none is closed for it.</summary>
    public int MaxConnections { get; init; } = 1024;

    /// <summary><see cref="ServerOptions.MaxConnectionsPerAddress"/>; 0 = none. Lowered, it refuses newcomers from an address over it; none is closed.</summary>
    public int MaxConnectionsPerAddress { get; init; }

    /// <summary><see cref="ServerOptions.EvictionGrace"/>; <see cref="TimeSpan.Zero"/> turns eviction off.</summary>
    public TimeSpan EvictionGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <see cref="ServerOptions.IdleTimeout"/>; <see cref="TimeSpan.Zero"/> turns it off. Applies to live connections
    /// too, at the next heartbeat (whose period, at most 500 ms, is set at start).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary><see cref="ServerOptions.DrainTimeout"/>: the next stop drains this long.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <see cref="ServerOptions.DatagramReplyRate"/>; 0 turns it off. A change of rate or burst starts the per-source
    /// buckets afresh (full).
    /// </summary>
    public int DatagramReplyRate { get; init; } = 100;

    /// <summary><see cref="ServerOptions.DatagramReplyBurst"/>.</summary>
    public int DatagramReplyBurst { get; init; } = 200;

    /// <summary>The limits <paramref name="options"/> sets.</summary>
    public static ServerLimits From(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServerLimits
        {
            MaxConnections = options.MaxConnections,
            MaxConnectionsPerAddress = options.MaxConnectionsPerAddress,
            EvictionGrace = options.EvictionGrace,
            IdleTimeout = options.IdleTimeout,
            DrainTimeout = options.DrainTimeout,
            DatagramReplyRate = options.DatagramReplyRate,
            DatagramReplyBurst = options.DatagramReplyBurst,
        };
    }

    /// <summary>
    /// Throws <see cref="OptionOutOfRangeException"/> naming the option (its <see cref="ServerOptions"/> name) for a
    /// value out of its range, by the rules of <see cref="ServerOptions.Validate"/>, which calls this.
    /// </summary>
    public void Validate()
    {
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxConnections, 1, OptionLimits.LargestCount, nameof(MaxConnections));
        OptionOutOfRangeException.ThrowIfOutOfRange(MaxConnectionsPerAddress, 0, OptionLimits.LargestCount, nameof(MaxConnectionsPerAddress));
        Duration(EvictionGrace, nameof(EvictionGrace));
        Duration(IdleTimeout, nameof(IdleTimeout));
        Duration(DrainTimeout, nameof(DrainTimeout));
        OptionOutOfRangeException.ThrowIfOutOfRange(DatagramReplyRate, 0, OptionLimits.LargestCount, nameof(DatagramReplyRate));
        OptionOutOfRangeException.ThrowIfOutOfRange(DatagramReplyBurst, 1, OptionLimits.LargestCount, nameof(DatagramReplyBurst));
    }

    private static void Duration(TimeSpan value, string name) =>
        OptionOutOfRangeException.ThrowIfOutOfRange(value, TimeSpan.Zero, OptionLimits.LongestDuration, name);
}
