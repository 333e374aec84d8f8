using System.Diagnostics;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary><see cref="Server.StopAsync"/>: live connections may finish within the drain time, then are aborted.</summary>
public sealed class StopTests : IDisposable
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
    public async Task AConnectionStillOpenAfterTheDrainTimeIsAbortedWithTheDrainReason(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.DrainTimeout = TimeSpan.FromMilliseconds(300);
            o.MeterFactory = _meters;
        });
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());
        await client.ReadExactlyAsync(1);

        var watch = Stopwatch.StartNew();
        await server.StopAsync(TestContext.Current.CancellationToken);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(8));
        Assert.Equal("drain", Assert.Single(closed.GetMeasurementSnapshot()).Tags["switchboard.close.reason"]);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task ALiveConnectionIsServedToItsEndWhileTheServerStops(ConcurrencyModel model)
    {
        var handler = new StopWatchingHandler(new EchoService());
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.DrainTimeout = TimeSpan.FromSeconds(20);
            o.MeterFactory = _meters;
        });
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("before"u8.ToArray());
        await client.ReadExactlyAsync(6);

        var stopping = server.StopAsync(TestContext.Current.CancellationToken);
        await handler.StopSeen.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.False(stopping.IsCompleted, "the stop did not wait for the live connection");
        await client.SendAllAsync("during"u8.ToArray());
        Assert.Equal("during"u8.ToArray(), await client.ReadExactlyAsync(6));
        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReadToEndAsync());

        await stopping.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal("peer_closed", Assert.Single(closed.GetMeasurementSnapshot()).Tags["switchboard.close.reason"]);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task CancellingTheStopTokenCutsTheDrainShortAndAbortsTheRest(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.DrainTimeout = TimeSpan.FromMinutes(10);
            o.MeterFactory = _meters;
        });
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());
        await client.ReadExactlyAsync(1);

        using var cut = new CancellationTokenSource();
        var stopping = server.StopAsync(cut.Token);
        Assert.False(stopping.IsCompleted, "the stop did not wait for the live connection");
        cut.Cancel();

        await stopping.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal("drain", Assert.Single(closed.GetMeasurementSnapshot()).Tags["switchboard.close.reason"]);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStopWithAnAlreadyCancelledTokenAbortsAtOnce()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.DrainTimeout = TimeSpan.FromMinutes(10));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());
        await client.ReadExactlyAsync(1);

        await server.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal(0, server.ActiveConnections);
    }
}
