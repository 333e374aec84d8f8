using System.Diagnostics;
using System.Net.Sockets;
using Switchboard.Transport;

namespace Switchboard.Serving.Internal;

/// <summary>
/// Decides whether a datagram's sender may get a reply, as the BSD inetds do: never to source port 0, to the
/// well-known ports of the classic services (7, 9, 13, 19, 37) or to this server's own datagram ports — two
/// servers answering each other would loop forever (FreeBSD <c>check_loop</c>, NetBSD <c>port_good_dg</c>) —
/// and at most a token bucket's worth of replies per source address (<see cref="SourceRateTable"/>). Local sources
/// (loopback, Unix sockets) cannot be spoofed from elsewhere, so they are not limited unless asked.
/// </summary>
internal sealed class DatagramReplyGuard
{
    /// <summary>The metric reason of a source over its reply rate.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The metric reason of a new source whose set of the rate table is busy.</summary>
    public const string SourcesFull = "sources_full";

    private static readonly int[] WellKnownPorts = [7, 9, 13, 19, 37];

    private readonly HashSet<int> _refusedPorts;
    private readonly SourceRateTable? _table;
    private readonly bool _limitLocal;

    public DatagramReplyGuard(IEnumerable<int> ownPorts, int repliesPerSecond, int burst, bool limitLocal = false, int sources = SourceRateTable.DefaultCapacity)
    {
        _refusedPorts = [0, .. WellKnownPorts, .. ownPorts];
        _limitLocal = limitLocal;
        if (repliesPerSecond > 0)
        {
            _table = new SourceRateTable(sources, repliesPerSecond, burst);
        }
    }

    /// <summary>The per-source buckets; null when the rate limit is off.</summary>
    public SourceRateTable? Table => _table;

    /// <summary>
    /// Null when a reply may go; otherwise the reason for the drop (a metric attribute). Allocates nothing.
    /// <paramref name="isLocal"/>: the sender is on this host (for the log line's hint).
    /// </summary>
    public string? Refuse(Datagram request, out bool isLocal)
    {
        var sender = request.SenderAddress;
        if (!SourceKey.TryRead(sender, out var source, out isLocal))
        {
            return "unaddressable";
        }

        if (sender.Family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            var port = (sender[2] << 8) | sender[3]; // sockaddr_in(6): family, then the port in network order
            if (_refusedPorts.Contains(port))
            {
                return "loop_guard";
            }
        }

        if (_table is null || (isLocal && !_limitLocal))
        {
            return null;
        }

        return _table.TryTake(source, Stopwatch.GetTimestamp()) switch
        {
            SourceRateTable.Admission.Allowed => null,
            SourceRateTable.Admission.OverRate => RateLimited,
            _ => SourcesFull,
        };
    }
}
