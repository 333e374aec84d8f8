using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Switchboard.Transport;

namespace Switchboard.Serving.Internal;

/// <summary>
/// Decides whether a datagram's sender may get a reply, as the BSD inetds do: never to source port 0, to the
/// well-known ports of the classic services (7, 9, 13, 19, 37) or to this server's own datagram ports — two
/// servers answering each other would loop forever (FreeBSD <c>check_loop</c>, NetBSD <c>port_good_dg</c>) —
/// and at most a token bucket's worth of replies per source address.
/// </summary>
internal sealed class DatagramReplyGuard : IDisposable
{
    private static readonly int[] WellKnownPorts = [7, 9, 13, 19, 37];

    private readonly HashSet<int> _refusedPorts;
    private readonly PartitionedRateLimiter<string>? _limiter;

    public DatagramReplyGuard(IEnumerable<int> ownPorts, int repliesPerSecond, int burst)
    {
        _refusedPorts = [0, .. WellKnownPorts, .. ownPorts];
        if (repliesPerSecond > 0)
        {
            _limiter = PartitionedRateLimiter.Create<string, string>(source => RateLimitPartition.GetTokenBucketLimiter(
                source,
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = burst,
                    TokensPerPeriod = Math.Max(1, repliesPerSecond / 10),
                    ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
        }
    }

    /// <summary>Null when a reply may go; otherwise the reason for the drop (a metric attribute).</summary>
    public string? Refuse(Datagram request)
    {
        var sender = request.SenderAddress;
        string source;
        if (sender.Family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            var port = (sender[2] << 8) | sender[3]; // sockaddr_in(6): family, then the port in network order
            if (_refusedPorts.Contains(port))
            {
                return "loop_guard";
            }

            source = ((IPEndPoint)request.RemoteEndPoint!).Address.ToString();
        }
        else
        {
            if (request.RemoteEndPoint is null)
            {
                return "unaddressable";
            }

            source = request.RemoteText;
        }

        if (_limiter is null)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(source);
        return lease.IsAcquired ? null : "rate_limited";
    }

    public void Dispose() => _limiter?.Dispose();
}
