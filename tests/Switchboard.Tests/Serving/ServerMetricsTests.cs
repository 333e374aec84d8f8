using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>The <c>Switchboard</c> meter: what it counts, with which attributes.</summary>
public sealed class ServerMetricsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task StreamConnectionsAreCountedAcceptedActiveClosedByReasonAndTheirBytes(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.ServiceName = "echo";
            o.MeterFactory = _meters;
        });
        using var accepted = _meters.Collect("switchboard.connections.accepted");
        using var active = _meters.Collect("switchboard.active_connections");
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var bytes = _meters.Collect("switchboard.connection.io");
        var endpoint = server.Listeners[0].Endpoint;

        using (var client = await TestClient.ConnectAsync(endpoint))
        {
            await client.SendAllAsync(new byte[1000]);
            await client.ReadExactlyAsync(1000);
            Assert.True(await Eventually.TrueAsync(() => active.Sum() == 1));
            client.Shutdown(SocketShutdown.Send);
            await client.ReadToEndAsync();
        }

        using (var client = await TestClient.ConnectAsync(endpoint))
        {
            await client.SendAllAsync(new byte[10]);
            await client.ReadExactlyAsync(10);
            client.Reset();
        }

        Assert.True(await Eventually.TrueAsync(() => closed.Sum() == 2 && active.Sum() == 0), $"closed {closed.Sum()}, active {active.Sum()}");
        Assert.Equal(2, accepted.Sum());
        Assert.All(accepted.GetMeasurementSnapshot(), m => Assert.Equal("echo", m.Tags["switchboard.service"]));
        Assert.Equal(1, closed.Sum("switchboard.close.reason", "peer_closed"));
        Assert.Equal(1, closed.Sum("switchboard.close.reason", "peer_reset"));
        Assert.Equal(1010, bytes.Sum("network.io.direction", "receive"));
        Assert.Equal(1010, bytes.Sum("network.io.direction", "transmit"));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task DatagramsAreCountedInAndOut(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Udp, _dir), o => o.MeterFactory = _meters);
        using var datagrams = _meters.Collect("switchboard.datagrams");
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await client.RequestAsync(new byte[] { (byte)i }));
        }

        Assert.True(await Eventually.TrueAsync(() => datagrams.Sum("network.io.direction", "transmit") == 3));
        Assert.Equal(3, datagrams.Sum("network.io.direction", "receive"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheMeterComesFromTheGivenFactoryNamedSwitchboardForDotnetCounters()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MeterFactory = _meters);
        Assert.Equal("Switchboard", Assert.Single(_meters.Meters).Name);
    }
}
