namespace Switchboard.Serving.Internal;

/// <summary>What a limits update changed, for its log line: <c>MaxConnections 1024 → 10, IdleTimeout 00:05:00 → 00:00:30</c>.</summary>
internal static class LimitChanges
{
    public static string Describe(ServerLimits old, ServerLimits now)
    {
        var changes = new List<string>();
        Add(changes, nameof(ServerLimits.MaxConnections), old.MaxConnections, now.MaxConnections);
        Add(changes, nameof(ServerLimits.MaxConnectionsPerAddress), old.MaxConnectionsPerAddress, now.MaxConnectionsPerAddress);
        Add(changes, nameof(ServerLimits.EvictionGrace), old.EvictionGrace, now.EvictionGrace);
        Add(changes, nameof(ServerLimits.IdleTimeout), old.IdleTimeout, now.IdleTimeout);
        Add(changes, nameof(ServerLimits.DrainTimeout), old.DrainTimeout, now.DrainTimeout);
        Add(changes, nameof(ServerLimits.DatagramReplyRate), old.DatagramReplyRate, now.DatagramReplyRate);
        Add(changes, nameof(ServerLimits.DatagramReplyBurst), old.DatagramReplyBurst, now.DatagramReplyBurst);
        return string.Join(", ", changes);
    }

    private static void Add<T>(List<string> changes, string name, T old, T now)
        where T : IEquatable<T>
    {
        if (!old.Equals(now))
        {
            changes.Add($"{name} {old} → {now}");
        }
    }
}
