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
    private readonly bool _limitLocal;
    private readonly int _sources;
    private volatile SourceRateTable? _table;
    private (int Rate, int Burst) _rate;

    public DatagramReplyGuard(IEnumerable<int> ownPorts, int repliesPerSecond, int burst, bool limitLocal = false, int sources = SourceRateTable.DefaultCapacity)
    {
        _refusedPorts = [0, .. WellKnownPorts, .. ownPorts];
        _limitLocal = limitLocal;
        _sources = sources;
        _rate = (repliesPerSecond, burst);
        if (repliesPerSecond > 0)
        {
            _table = new SourceRateTable(sources, repliesPerSecond, burst);
        }
    }

    /// <summary>
    /// A new rate and burst for replies from now on (0 turns the limit off and frees the table). A change starts
    /// every bucket afresh, full: the table's entries are built for one rate. The same values change nothing.
    /// </summary>
    public void UpdateRate(int repliesPerSecond, int burst)
    {
        if (_rate == (repliesPerSecond, burst))
        {
            return;
        }

        _rate = (repliesPerSecond, burst);
        _table = repliesPerSecond > 0 ? new SourceRateTable(_sources, repliesPerSecond, burst) : null;
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

        var table = _table; // read once: an update may swap it meanwhile
        if (table is null || (isLocal && !_limitLocal))
        {
            return null;
        }

        return table.TryTake(source, Stopwatch.GetTimestamp()) switch
        {
            SourceRateTable.Admission.Allowed => null,
            SourceRateTable.Admission.OverRate => RateLimited,
            _ => SourcesFull,
        };
    }
}
