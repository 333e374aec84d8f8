using System.Diagnostics;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary><c>--idle-timeout</c>: a connection on which nothing moves is closed, and the close says why.</summary>
public sealed class IdleTimeoutTests : IDisposable
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
    public async Task AnIdleConnectionIsClosedWithTheIdleReason(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(400);
            o.MeterFactory = _meters;
        });
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var watch = Stopwatch.StartNew();
        await client.SendAllAsync("hi"u8.ToArray());
        await client.ReadExactlyAsync(2);
        try
        {
            Assert.Empty(await client.ReadToEndAsync());
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            // aborted: RST rather than FIN is fine
        }

        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(350), $"closed after {watch.ElapsedMilliseconds} ms");
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1));
        Assert.Equal("idle_timeout", closed.GetMeasurementSnapshot()[0].Tags["error.type"]);
        Assert.Equal(0, server.ActiveConnections);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AConnectionThatKeepsTalkingIsNotIdle()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.IdleTimeout = TimeSpan.FromMilliseconds(500));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        for (var i = 0; i < 10; i++)
        {
            // The pause is the input (10 × 150 ms outlasts the timeout, no pause reaches it); the echo after each
            // one shows the connection still open.
            await Task.Delay(150, TestContext.Current.CancellationToken);
            await client.SendAllAsync("x"u8.ToArray());
            await client.ReadExactlyAsync(1);
        }

        Assert.Equal(1, server.ActiveConnections);
    }
}
