using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary><see cref="Server.UpdateLimits"/>: the limits of a running server change at once, and no one is dropped for it.</summary>
public sealed class UpdateLimitsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ABadValueThrowsNamingTheOptionAndChangesNothing()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var before = server.Limits;

        var error = Assert.Throws<OptionOutOfRangeException>(() => server.UpdateLimits(before with { MaxConnections = 5, DatagramReplyBurst = 0 }));

        Assert.Equal("DatagramReplyBurst", error.OptionName);
        Assert.Equal(before, server.Limits);
    }

    [Fact]
    public void BeforeStartTheOptionsAreTheWayIn()
    {
        var options = new ServerOptions { MaxConnections = 7 };
        options.Listen.Add(EndpointUri.Parse("tcp://127.0.0.1:0"));
        var server = new Server(options, new EchoService(), null);

        Assert.Equal(7, server.Limits.MaxConnections);
        Assert.Throws<InvalidOperationException>(() => server.UpdateLimits(server.Limits with { MaxConnections = 8 }));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task ALimitLoweredBelowTheLiveCountRefusesNewcomersAndClosesNoOne(ConcurrencyModel model)
    {
        if (model == ConcurrencyModel.Sequential)
        {
            return; // one connection at a time by design: two live ones never meet there
        }

        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MaxConnections = 10);
        var endpoint = server.Listeners[0].Endpoint;
        using var first = await TestClient.ConnectAsync(endpoint);
        using var second = await TestClient.ConnectAsync(endpoint);
        await ExchangeAsync(first);
        await ExchangeAsync(second);

        server.UpdateLimits(server.Limits with { MaxConnections = 1 });

        Assert.Equal(1, server.EffectiveMaxConnections);
        using (var newcomer = await TestClient.ConnectAsync(endpoint))
        {
            Assert.True(await ClosedAsync(newcomer), "a newcomer was served over the lowered limit");
        }

        await ExchangeAsync(first);
        await ExchangeAsync(second);
        Assert.Equal(1, server.RejectedConnections);
        Assert.Equal(2, server.ActiveConnections);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APerAddressLimitSetWhileRunningCountsTheConnectionsAlreadyLive()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint;
        using var first = await TestClient.ConnectAsync(endpoint);
        using var second = await TestClient.ConnectAsync(endpoint);
        await ExchangeAsync(first);
        await ExchangeAsync(second);

        server.UpdateLimits(server.Limits with { MaxConnectionsPerAddress = 2 });
        using (var third = await TestClient.ConnectAsync(endpoint))
        {
            Assert.True(await ClosedAsync(third), "a third connection from 127.0.0.1 was served over a limit of 2");
        }

        second.Dispose();
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 1));
        using var again = await TestClient.ConnectAsync(endpoint);
        await ExchangeAsync(again);
        await ExchangeAsync(first);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ANewDatagramReplyRateAppliesToTheNextDatagrams()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Udp, _dir), o =>
        {
            o.DatagramReplyLimitLoopback = true; // loopback is otherwise never limited
            o.DatagramReplyRate = 0;
        });
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        Assert.NotNull(await client.RequestAsync(new byte[] { 1 }));

        server.UpdateLimits(server.Limits with { DatagramReplyRate = 1, DatagramReplyBurst = 1 });

        Assert.NotNull(await client.RequestAsync(new byte[] { 2 })); // the burst of one
        Assert.Null(await client.RequestAsync(new byte[] { 3 }, TimeSpan.FromMilliseconds(300))); // the absence is the point: the wait is the input
    }

    private static async Task ExchangeAsync(Socket socket)
    {
        await socket.SendAllAsync("ping"u8.ToArray());
        Assert.Equal("ping"u8.ToArray(), await socket.ReadExactlyAsync(4));
    }

    private static async Task<bool> ClosedAsync(Socket socket)
    {
        try
        {
            return (await socket.ReadToEndAsync()).Length == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }
}
