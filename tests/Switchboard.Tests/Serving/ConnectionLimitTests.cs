using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary><c>--max-connections</c>: over the limit a connection is closed at once and counted; the count never leaks.</summary>
public sealed class ConnectionLimitTests : IDisposable
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
    [MemberData(nameof(ConcurrentModels))]
    public async Task AConnectionBeyondTheLimitIsClosedAtOnceAndCounted(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.MaxConnections = 2;
            o.MeterFactory = _meters;
        });
        using var rejected = _meters.Collect("switchboard.connections.rejected");
        var endpoint = server.Listeners[0].Endpoint;
        using var first = await TestClient.ConnectAsync(endpoint);
        using var second = await TestClient.ConnectAsync(endpoint);
        await first.SendAllAsync("1"u8.ToArray());
        await second.SendAllAsync("2"u8.ToArray());
        Assert.Equal("1"u8.ToArray(), await first.ReadExactlyAsync(1));
        Assert.Equal("2"u8.ToArray(), await second.ReadExactlyAsync(1));

        using var third = await TestClient.ConnectAsync(endpoint);
        Assert.Empty(await ReadUntilClosedAsync(third));
        Assert.Equal(1, server.RejectedConnections);
        Assert.Equal(1, rejected.Sum());
        Assert.Equal(1, rejected.Sum("switchboard.drop.reason", "max_connections"));
        Assert.Equal(2, server.ActiveConnections);

        first.Dispose();
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 1));
        using var fourth = await TestClient.ConnectAsync(endpoint);
        await fourth.SendAllAsync("4"u8.ToArray());
        Assert.Equal("4"u8.ToArray(), await fourth.ReadExactlyAsync(1));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ConcurrentModels))]
    public async Task AnAddressAtItsPerAddressLimitIsRefusedWhileAnotherAddressGetsIn(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MaxConnectionsPerAddress = 2);
        var endpoint = server.Listeners[0].Endpoint;
        using var first = await TestClient.ConnectAsync(endpoint);
        using var second = await TestClient.ConnectAsync(endpoint);
        await first.SendAllAsync("1"u8.ToArray());
        Assert.Equal("1"u8.ToArray(), await first.ReadExactlyAsync(1));
        await second.SendAllAsync("2"u8.ToArray());
        Assert.Equal("2"u8.ToArray(), await second.ReadExactlyAsync(1));

        using var third = await TestClient.ConnectAsync(endpoint);
        Assert.Empty(await ReadUntilClosedAsync(third));
        Assert.Equal(1, server.RejectedConnections);

        // Linux routes all of 127/8 to loopback: 127.0.0.2 is another address on the same host.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        other.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        await other.ConnectAsync(endpoint.ToEndPoint(), TestContext.Current.CancellationToken);
        await other.SendAllAsync("o"u8.ToArray());
        Assert.Equal("o"u8.ToArray(), await other.ReadExactlyAsync(1));

        first.Dispose();
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 2));
        using var again = await TestClient.ConnectAsync(endpoint);
        await again.SendAllAsync("a"u8.ToArray());
        Assert.Equal("a"u8.ToArray(), await again.ReadExactlyAsync(1));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TenThousandConnectAndResetCyclesLeaveNoConnectionCounted()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.MaxConnections = 16;
            o.MeterFactory = _meters;
        });
        using var accepted = _meters.Collect("switchboard.connections.accepted");
        using var closed = _meters.Collect("switchboard.connections.closed");
        var target = (IPEndPoint)server.Listeners[0].Endpoint.ToEndPoint();
        const int cycles = 10_000;
        const int workers = 16; // as many as the limit: most are admitted, some find their predecessor not yet released and are rejected
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            for (var i = w; i < cycles; i += workers)
            {
                using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await client.ConnectAsync(target, TestContext.Current.CancellationToken);
                if (i % 2 == 0)
                {
                    await client.SendAsync("x"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken); // reset mid-message
                }

                client.Reset();
            }
        })));
        var elapsed = watch.Elapsed;

        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0), $"{server.ActiveConnections} connections still counted");
        Assert.True(
            await Eventually.TrueAsync(() => closed.Sum() == accepted.Sum()),
            $"{accepted.Sum()} accepted but {closed.Sum()} closed");
        Assert.InRange(accepted.Sum() + server.RejectedConnections, cycles * 9 / 10, cycles);
        TestContext.Current.SendDiagnosticMessage($"{cycles} connect/reset cycles in {elapsed.TotalSeconds:F1} s ({accepted.Sum()} admitted, {server.RejectedConnections} rejected)");

        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("after"u8.ToArray());
        Assert.Equal("after"u8.ToArray(), await client.ReadExactlyAsync(5));
    }

    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReadToEndAsync();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return [];
        }
    }
}
