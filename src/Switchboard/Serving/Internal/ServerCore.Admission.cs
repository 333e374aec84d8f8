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
                ServerLog.ConnectionRejectedPerAddress(_logger, Endpoints.EndpointText.Format(remote), listener.Endpoint.ToString(), _options.MaxConnectionsPerAddress);
            }

            return null;
        }

        var active = Interlocked.Increment(ref _active);
        if (active > _maxConnections && !TryEvictFor(active))
        {
            Interlocked.Decrement(ref _active);
            ReturnAcceptPermit();
            UncountAddress(address);
            Reject(accepted);
            if (_throttle.ShouldLog("max-connections"))
            {
                ServerLog.ConnectionRejected(_logger, Endpoints.EndpointText.Format(remote), listener.Endpoint.ToString(), _maxConnections);
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
    /// meanwhile, by at most <see cref="EvictionHeadroom"/>.
    /// </summary>
    private bool TryEvictFor(int active)
    {
        var grace = (long)_options.EvictionGrace.TotalMilliseconds;
        if (grace <= 0 || active > _maxConnections + EvictionHeadroom)
        {
            return false;
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = Environment.TickCount64;
            Connection? victim = null;
            var oldest = now - grace;
            foreach (var connection in _live.Values)
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

                victim.Abort(CloseReason.Evicted);
                return true;
            }
        }

        return false;
    }

    private bool TryCountAddress(IPAddress address)
    {
        var limit = _options.MaxConnectionsPerAddress;
        if (limit <= 0)
        {
            return true;
        }

        if (_perAddress.AddOrUpdate(address, 1, static (_, count) => count + 1) <= limit)
        {
            return true;
        }

        UncountAddress(address);
        return false;
    }

    private void UncountAddress(IPAddress? address)
    {
        if (address is null || _options.MaxConnectionsPerAddress <= 0)
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
