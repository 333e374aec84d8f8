using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// <c>switchboard.connections.closed</c>: every close names its reason in <c>switchboard.close.reason</c>; only an
/// error close carries <c>error.type</c>, as OpenTelemetry's conventions reserve it.
/// </summary>
public sealed class CloseAttributesTests : IDisposable
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
    public async Task APeerThatClosesLeavesNoErrorTypeButItsReason(ConcurrencyModel model)
    {
        await using var server = Start(new EchoService(), model);
        using var closed = _meters.Collect("switchboard.connections.closed");
        using (var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            await client.SendAllAsync("hi"u8.ToArray());
            await client.ReadExactlyAsync(2);
            client.Shutdown(SocketShutdown.Send);
            await client.ReadToEndAsync();
        }

        var close = await SingleCloseAsync(closed);
        Assert.Equal("peer_closed", close.Tags["switchboard.close.reason"]);
        Assert.False(close.Tags.ContainsKey("error.type"), "a normal close carries error.type");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AHandlerThatFinishesLeavesNoErrorType()
    {
        await using var server = Start(new DaytimeService(new ServiceOptions()), ConcurrencyModel.Async);
        using var closed = _meters.Collect("switchboard.connections.closed");
        using (var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            Assert.NotEmpty(await client.ReadToEndAsync());
        }

        var close = await SingleCloseAsync(closed);
        Assert.Equal("completed", close.Tags["switchboard.close.reason"]);
        Assert.False(close.Tags.ContainsKey("error.type"), "a normal close carries error.type");
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AResetCarriesErrorTypePeerReset(ConcurrencyModel model)
    {
        await using var server = Start(new EchoService(), model);
        using var closed = _meters.Collect("switchboard.connections.closed");
        using (var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            await client.SendAllAsync("hi"u8.ToArray());
            await client.ReadExactlyAsync(2);
            client.Reset();
        }

        var close = await SingleCloseAsync(closed);
        Assert.Equal("peer_reset", close.Tags["error.type"]);
        Assert.Equal("peer_reset", close.Tags["switchboard.close.reason"]);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnIdleTimeoutCarriesErrorTypeIdleTimeout()
    {
        await using var server = Start(new EchoService(), ConcurrencyModel.Async, o => o.IdleTimeout = TimeSpan.FromMilliseconds(200));
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);

        var close = await SingleCloseAsync(closed);
        Assert.Equal("idle_timeout", close.Tags["error.type"]);
        Assert.Equal("idle_timeout", close.Tags["switchboard.close.reason"]);
    }

    [Theory]
    [InlineData(CloseReason.Completed, false)]
    [InlineData(CloseReason.PeerClosed, false)]
    [InlineData(CloseReason.Drain, false)]
    [InlineData(CloseReason.PeerReset, true)]
    [InlineData(CloseReason.Idle, true)]
    [InlineData(CloseReason.Limit, true)]
    [InlineData(CloseReason.Error, true)]
    [InlineData(CloseReason.FrameTimeout, true)]
    [InlineData(CloseReason.Evicted, true)]
    [InlineData(CloseReason.TimedOut, true)]
    [InlineData(CloseReason.TlsHandshake, true)]
    public void EachReasonIsAnErrorOrNot(CloseReason reason, bool error) => Assert.Equal(error, reason.IsError());

    private Server Start(Handlers.IStreamHandler handler, ConcurrencyModel model, Action<ServerOptions>? configure = null) =>
        TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o =>
        {
            o.MeterFactory = _meters;
            configure?.Invoke(o);
        });

    private static async Task<CollectedMeasurement<long>> SingleCloseAsync(MetricCollector<long> closed)
    {
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count >= 1), "no close was counted");
        return Assert.Single(closed.GetMeasurementSnapshot());
    }
}
