using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Cli.Bench;
using Switchboard.Cli.Parsing;
using Switchboard.Cli.Resolve;

namespace Switchboard.Cli.Scan;

/// <summary>
/// <c>connect -z</c>, netcat's zero-I/O scan: a TCP connect to each port (or to a Unix stream path), closed at once
/// with nothing sent. Exit 0 if any port accepted, 1 if none did, as nc does. Loopback only unless
/// <c>--allow-remote</c>: a scan of someone else's host should be a decision, as a load test is (see <see cref="BenchTarget"/>).
/// Lines go to stderr in nc -v's words; an open port is always reported, a closed one only with <c>-v</c>.
/// </summary>
internal static class PortScan
{
    /// <summary>The options of one scan.</summary>
    public sealed record Request(string Host, IReadOnlyList<int> Ports, TimeSpan Timeout, AddressFamily Family, bool AllowRemote, bool Verbose);

    /// <summary>Ports as nc takes them: each token a port or a range <c>LOW-HIGH</c> (1 to 65535).</summary>
    public static IReadOnlyList<int> ParsePorts(IEnumerable<string> tokens)
    {
        var ports = new List<int>();
        foreach (var token in tokens)
        {
            var dash = token.IndexOf('-', StringComparison.Ordinal);
            var low = ScanPort(dash < 0 ? token : token[..dash], token);
            var high = dash < 0 ? low : ScanPort(token[(dash + 1)..], token);
            if (high < low)
            {
                throw new UsageException($"-z: '{token}' is not a range: {low} is above {high}");
            }

            for (var port = low; port <= high; port++)
            {
                ports.Add(port);
            }
        }

        return ports.Count > 0 ? ports : throw new UsageException("-z needs a HOST and at least one PORT or LOW-HIGH range");
    }

    public static async Task<int> RunAsync(Request request, CancellationToken stop)
    {
        var addresses = await ResolveAsync(request, stop);
        var open = 0;
        foreach (var port in request.Ports)
        {
            if (await ProbeAsync(request, addresses, port, stop))
            {
                open++;
            }
        }

        return open > 0 ? ExitCodes.Success : ExitCodes.NetworkError;
    }

    /// <summary><c>connect -z -U PATH</c>: is something accepting on the Unix socket path?</summary>
    public static async Task<int> RunUnixAsync(string path, TimeSpan timeout, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), limit.Token);
            Console.Error.WriteLine($"switchboard: connection to {path} (unix) succeeded");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Console.Error.WriteLine($"switchboard: connect to {path} (unix) failed: {Reason(e)}");
            return ExitCodes.NetworkError;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(Request request, CancellationToken stop)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(request.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(request.Host, stop);
        }
        catch (SocketException e)
        {
            throw new LookupFailedException($"-z: host '{request.Host}' not found ({e.Message})");
        }

        addresses = [.. addresses.Where(a => request.Family == AddressFamily.Unspecified || a.AddressFamily == request.Family)];
        if (addresses.Length == 0)
        {
            throw new UsageException($"-z: host '{request.Host}' has no address of the family asked for");
        }

        if (!request.AllowRemote && addresses.FirstOrDefault(a => !BenchTarget.IsLoopback(a)) is { } remote)
        {
            throw new UsageException($"-z: refusing to scan {remote}, which is not a loopback address; pass --allow-remote if you mean it");
        }

        return addresses;
    }

    /// <summary>Tries each address of the host in turn, as nc does; true when one accepts.</summary>
    private static async Task<bool> ProbeAsync(Request request, IPAddress[] addresses, int port, CancellationToken stop)
    {
        Exception? last = null;
        foreach (var address in addresses)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
            limit.CancelAfter(request.Timeout);
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), limit.Token);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"switchboard: connection to {request.Host} port {port} (tcp) succeeded"));
                return true;
            }
            catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !stop.IsCancellationRequested))
            {
                last = e;
            }
        }

        if (request.Verbose)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"switchboard: connect to {request.Host} port {port} (tcp) failed: {Reason(last!)}"));
        }

        return false;
    }

    private static string Reason(Exception e) => e switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => "connection refused",
        SocketException { SocketErrorCode: SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported } => "no socket there",
        SocketException { SocketErrorCode: SocketError.HostUnreachable or SocketError.NetworkUnreachable } => "host unreachable",
        SocketException s => s.Message,
        _ => "timed out",
    };

    private static int ScanPort(string text, string token) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= IPEndPoint.MaxPort
            ? port
            : throw new UsageException($"-z: '{token}' is not a port (1 to 65535) or a range such as 20-30");
}
