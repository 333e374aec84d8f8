using System.Net;
using System.Net.Sockets;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>
/// Admission: the per-address limit, the connection limit, and at that limit the eviction of the connection whose
/// line has been unfinished longest (the slowloris defence, docs/architecture.md "Reliability limits").
/// </summary>
internal sealed partial class ServerCore
{
    private Connection? Admit(Socket accepted, Listener listener, Func<Socket, SocketIO> ioFor)
    {
        var remote = SafeRemote(accepted);
        var address = AddressOf(remote);
        if (address is not null && !TryCountAddress(address))
        {
            ReturnAcceptPermit(); // the slot this accept waited for was never taken
            Reject(accepted);
            if (_throttle.ShouldLog("max-connections-per-ip"))
            {
                ServerLog.ConnectionRejectedPerAddress(_logger, Endpoints.EndpointText.Format(remote), listener.Endpoint.ToString(), _limits.MaxConnectionsPerAddress);
            }

            return null;
        }

        var active = Interlocked.Increment(ref _active);
        var maxConnections = _maxConnections;
        if (active > maxConnections && !TryEvictFor(active, maxConnections))
        {
            Interlocked.Decrement(ref _active);
            ReturnAcceptPermit();
            UncountAddress(address);
            Reject(accepted);
            if (_throttle.ShouldLog("max-connections"))
            {
                ServerLog.ConnectionRejected(_logger, Endpoints.EndpointText.Format(remote), listener.Endpoint.ToString(), maxConnections);
            }

            return null;
        }

        if (Stopping.IsCancellationRequested)
        {
            // Accepted as the listener was closing: the drain may already be over, and no one would wait for it.
            // Closed like a connection still in the backlog, rather than served halfway and cut at exit.
            accepted.Dispose();
            UncountAddress(address);
            ReleaseSlot();
            return null;
        }

        try
        {
            ApplySocketOptions(accepted, listener);
            var connection = new Connection(Interlocked.Increment(ref _nextId), listener.Endpoint, WrapForListener(ioFor(accepted), listener), Metrics, Stopping);
            _live[connection.Id] = connection;
            Metrics.ConnectionAccepted();
            return connection;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Reset before we could even look at it.
            accepted.Dispose();
            UncountAddress(address);
            ReleaseSlot();
            return null;
        }
    }

    private void Reject(Socket accepted)
    {
        Interlocked.Increment(ref _rejected);
        Metrics.ConnectionRejected();
        accepted.Dispose();
    }

    /// <summary>
    /// The server is full: evicts the connection whose message (line, frame) has been open longest, if longer than
    /// <see cref="ServerOptions.EvictionGrace"/>, so the newcomer can have its slot. A slowloris attacker's
    /// connections are all mid-line, so each newcomer replaces the oldest of them, while a client between lines is
    /// never a candidate. The victim's slot is freed when its handler has ended, so the count may run over the limit
    /// meanwhile, by at most <see cref="EvictionHeadroom"/>. No one is evicted while more connections are live than the
    /// limit allows (it was lowered while running: newcomers wait, and none is closed to make room for them), bar
    /// the victims still closing.
    /// </summary>
    private bool TryEvictFor(int active, int maxConnections)
    {
        var grace = (long)_limits.EvictionGrace.TotalMilliseconds;
        if (grace <= 0 || active > maxConnections + EvictionHeadroom || active - 1 - Volatile.Read(ref _evictionsClosing) > maxConnections)
        {
            return false;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = Environment.TickCount64;
            Connection? victim = null;
            var oldest = now - grace;
            foreach (var (_, connection) in _live) // not Values, which copies them all
            {
                var started = connection.MessageStartedTicks;
                if (started != 0 && started <= oldest && connection.Reason is null)
                {
                    victim = connection;
                    oldest = started;
                }
            }

            if (victim is null)
            {
                return false;
            }

            if (victim.TrySetReason(CloseReason.Evicted))
            {
                if (_throttle.ShouldLog("evicted"))
                {
                    ServerLog.ConnectionEvicted(_logger, victim.Id, victim.RemoteText, Math.Round((now - oldest) / 1000.0, 1));
                }

                Interlocked.Increment(ref _evictionsClosing); // until its Finish: its slot is as good as free
                victim.Abort(CloseReason.Evicted);
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Counts a connection from <paramref name="address"/>, or refuses it over the per-address limit. Counted even
    /// with no limit (one dictionary update per connection, not per message), so a limit set while running counts
    /// the connections already live.
    /// </summary>
    private bool TryCountAddress(IPAddress address)
    {
        var limit = _limits.MaxConnectionsPerAddress;
        if (_perAddress.AddOrUpdate(address, 1, static (_, count) => count + 1) <= limit || limit <= 0)
        {
            return true;
        }

        UncountAddress(address);
        return false;
    }

    private void UncountAddress(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        // Removed at zero so the table holds only addresses with live connections.
        if (_perAddress.AddOrUpdate(address, 0, static (_, count) => count - 1) <= 0)
        {
            _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
        }
    }

    private static IPAddress? AddressOf(EndPoint? remote) => remote is IPEndPoint ip
        ? ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address
        : null;
}
