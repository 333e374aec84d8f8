using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>
/// Slowloris: clients that dribble a byte every few seconds never trip the idle timeout. A line must complete within
/// <see cref="ServiceOptions.LineTimeout"/>, and at the connection limit a newcomer takes the slot of the connection
/// whose line has been unfinished longest, so a normal client gets in at once however many dribblers there are.
/// </summary>
public sealed class SlowlorisTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();

    public static TheoryData<ConcurrencyModel> ConcurrentModels => [ConcurrencyModel.Async, ConcurrencyModel.Threads, ConcurrencyModel.Select];

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task ALineThatDribblesLongerThanTheLineTimeoutIsClosed(ConcurrencyModel model)
    {
        var service = new TimestampService(new ServiceOptions { LineTimeout = TimeSpan.FromSeconds(1) });
        await using var server = TestServer.Start(service, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MeterFactory = _meters);
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var watch = Stopwatch.StartNew();

        var closedByServer = false;
        while (watch.Elapsed < TimeSpan.FromSeconds(10) && !closedByServer)
        {
            closedByServer = !await TrySendAsync(client, "z"u8.ToArray()) || await PeerClosedAsync(client, TimeSpan.FromMilliseconds(300));
        }

        Assert.True(closedByServer, "a line dribbled for 10 s was never closed");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1));
        Assert.Equal("frame_timeout", closed.GetMeasurementSnapshot()[0].Tags["error.type"]);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task LinesThatCompleteInTimeAreNeverCutWhateverTheConnectionLasts()
    {
        var service = new TimestampService(new ServiceOptions { LineTimeout = TimeSpan.FromSeconds(1) });
        await using var server = TestServer.Start(service, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        for (var i = 0; i < 8; i++)
        {
            // The pause is the input: 8 × 300 ms outlasts the line timeout, but between lines only the idle
            // timeout applies. Each pause is followed by an answered line, so the connection is known to be alive.
            await Task.Delay(300, TestContext.Current.CancellationToken);
            await client.SendAllAsync("ok\n"u8.ToArray());
            Assert.EndsWith("ok\n", await ReadLineAsync(client), StringComparison.Ordinal);
        }

        Assert.Equal(1, server.ActiveConnections);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(ConcurrentModels))]
    public async Task AtTheLimitANormalClientGetsInWithinASecondWhileTwiceAsManyDribblersAreConnected(ConcurrencyModel model)
    {
        const int limit = 64;
        await using var server = TestServer.Start(new TimestampService(new ServiceOptions()), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MaxConnections = limit);
        var target = (IPEndPoint)server.Listeners[0].Endpoint.ToEndPoint();
        await using var attack = await Dribblers.StartAsync(target, 2 * limit);
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == limit), $"{server.ActiveConnections} connections");
        await attack.FirstRoundDone; // every dribbler has been mid-line for a while: they look as they will for 30 s

        var watch = Stopwatch.StartNew();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(target, TestContext.Current.CancellationToken);
        await client.SendAllAsync("hello\n"u8.ToArray());
        var line = await ReadLineAsync(client);
        var elapsed = watch.Elapsed;

        Assert.EndsWith("hello\n", line, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the normal client waited {elapsed.TotalMilliseconds:F0} ms");
        Assert.InRange(server.ActiveConnections, 1, limit + 16);
    }

    private static async Task<bool> TrySendAsync(Socket client, byte[] data)
    {
        try
        {
            await client.SendAsync(data, SocketFlags.None, TestContext.Current.CancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Reads what the server sends for a while; true once it has closed the connection.</summary>
    private static async Task<bool> PeerClosedAsync(Socket client, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                if (await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<string> ReadLineAsync(Socket client)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var text = new StringBuilder();
        var buffer = new byte[1];
        while (!text.ToString().EndsWith('\n'))
        {
            if (await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
            {
                break;
            }

            text.Append((char)buffer[0]);
        }

        return text.ToString();
    }
}
