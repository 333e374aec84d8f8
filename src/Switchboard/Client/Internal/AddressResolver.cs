using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;

namespace Switchboard.Client.Internal;

/// <summary>
/// Turns an endpoint into the socket addresses to try, in order: a Unix path as it is, an IP literal as it is, a host
/// name through the system resolver (getaddrinfo: its order already puts the preferred family first).
/// </summary>
internal static class AddressResolver
{
    public static async Task<IReadOnlyList<EndPoint>> ResolveAsync(EndpointUri endpoint, ClientOptions options, CancellationToken cancellationToken)
    {
        if (endpoint.Kind.IsUnix())
        {
            return [endpoint.ToEndPoint()];
        }

        var family = options.AddressFamily;
        if (IPAddress.TryParse(endpoint.Host, out var literal))
        {
            if (family != AddressFamily.Unspecified && literal.AddressFamily != family)
            {
                throw new HostNotFoundException(
                    endpoint, $"cannot connect to {endpoint}: {endpoint.Host} is not an {FamilyName(family)} address", null);
            }

            return [new IPEndPoint(literal, endpoint.Port)];
        }

        IPAddress[] addresses;
        using (var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            if (options.ConnectTimeout != Timeout.InfiniteTimeSpan)
            {
                timer.CancelAfter(options.ConnectTimeout);
            }

            try
            {
                addresses = await Dns.GetHostAddressesAsync(endpoint.Host!, family, timer.Token);
            }
            catch (SocketException e)
            {
                throw new HostNotFoundException(endpoint, $"cannot connect to {endpoint}: host '{endpoint.Host}' not found ({e.Message})", e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ConnectTimedOutException(
                    endpoint, $"cannot connect to {endpoint}: resolving '{endpoint.Host}' timed out", null);
            }
        }

        var targets = addresses
            .Where(a => family == AddressFamily.Unspecified || a.AddressFamily == family)
            .Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Distinct()
            .Select(a => (EndPoint)new IPEndPoint(a, endpoint.Port))
            .ToList();
        if (targets.Count == 0)
        {
            var which = family == AddressFamily.Unspecified ? "" : FamilyName(family) + " ";
            throw new HostNotFoundException(endpoint, $"cannot connect to {endpoint}: host '{endpoint.Host}' has no {which}address", null);
        }

        return targets;
    }

    private static string FamilyName(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
}
