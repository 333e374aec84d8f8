using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>The UDP loop guard and reply rate limit: a datagram server must not become a loop or an amplifier.</summary>
public sealed class DatagramReplyGuardTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task NoReplyGoesToOneOfTheServersOwnPorts()
    {
        // Two echo listeners: a datagram from one to the other would bounce between them forever without the guard.
        await using var server = TestServer.Start(
            new EchoService(),
            ConcurrencyModel.Async,
            [TestServer.Ephemeral(TransportKind.Udp, _dir), TestServer.Ephemeral(TransportKind.Udp, _dir)],
            o => o.MeterFactory = _meters);
        using var datagrams = _meters.Collect("switchboard.datagrams");
        using var dropped = _meters.Collect("switchboard.datagrams.dropped");
        var first = server.Listeners[0];
        var second = server.Listeners[1];

        await first.Socket.SendToAsync("ping"u8.ToArray(), SocketFlags.None, second.Endpoint.ToEndPoint(), TestContext.Current.CancellationToken);

        Assert.True(await Eventually.TrueAsync(() => Sum(dropped, "loop_guard") == 1));
        Assert.Equal(1, datagrams.Sum("network.io.direction", "receive"));
        Assert.Equal(0, datagrams.Sum("network.io.direction", "transmit"));

        using var client = TestClient.DatagramFor(second.Endpoint, _dir); // an ordinary peer still gets answers
        Assert.Equal("pong"u8.ToArray(), await client.RequestAsync("pong"u8.ToArray()));

        // Its answer is the only datagram sent: had the guard let the ping bounce, the count would run on.
        Assert.True(await Eventually.TrueAsync(() => datagrams.Sum("network.io.direction", "transmit") == 1));
        Assert.Equal(2, datagrams.Sum("network.io.direction", "receive"));
        Assert.Equal(1, Sum(dropped, "loop_guard"));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(7)]
    [InlineData(19)]
    public async Task NoReplyGoesToTheWellKnownPortOfAClassicService(int port)
    {
        Assert.SkipUnless(Environment.UserName == "root", "binding a source port below 1024 needs root");
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Udp, _dir), o => o.MeterFactory = _meters);
        using var dropped = _meters.Collect("switchboard.datagrams.dropped");

        // Like a chargen on port 19 whose answer would start a ping-pong with our echo. A random 127.x.y.z
        // address keeps the fixed port from clashing with anyone else's.
        using var classic = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var address = new System.Net.IPAddress([127, (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(1, 255), (byte)Random.Shared.Next(2, 255)]);
        classic.Bind(new System.Net.IPEndPoint(address, port));
        await classic.SendToAsync("loop?"u8.ToArray(), SocketFlags.None, server.Listeners[0].Endpoint.ToEndPoint(), TestContext.Current.CancellationToken);

        Assert.True(await Eventually.TrueAsync(() => Sum(dropped, "loop_guard") == 1));
        Assert.Null(await classic.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task RepliesOverTheBurstAreDroppedPerSource(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Udp, _dir), o =>
        {
            o.DatagramReplyRate = 10;
            o.DatagramReplyBurst = 5;
            o.DatagramReplyLimitLoopback = true; // the test's sources are all on loopback
            o.MeterFactory = _meters;
        });
        using var dropped = _meters.Collect("switchboard.datagrams.dropped");
        using var greedy = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 0; i < 30; i++)
        {
            await greedy.SendAsync(new byte[] { (byte)i }, SocketFlags.None, TestContext.Current.CancellationToken);
        }

        var replies = 0;
        while (await greedy.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(500)) is not null)
        {
            replies++;
        }

        // The burst, plus a token or two the bucket refilled (1 per 100 ms) while the datagrams went through.
        Assert.InRange(replies, 5, 12);
        Assert.Equal(30 - replies, Sum(dropped, "rate_limited"));

        // Another source address has its own bucket, full while the greedy one's is empty.
        using var other = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        other.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        other.Connect(server.Listeners[0].Endpoint.ToEndPoint());
        Assert.Equal("mine"u8.ToArray(), await other.RequestAsync("mine"u8.ToArray()));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(TransportKind.Udp, false)]
    [InlineData(TransportKind.Udp, true)]
    [InlineData(TransportKind.UnixDatagram, false)]
    public async Task ALocalSourceIsNotRateLimitedByDefault(TransportKind kind, bool ipv6)
    {
        // Issue 12: `seq 1 300 | switchboard connect udp://127.0.0.1:7007` printed 200 lines, the default burst.
        // Reflection needs a spoofed source, and loopback and Unix sources cannot be spoofed from elsewhere.
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(kind, _dir, ipv6), o => o.MeterFactory = _meters);
        using var dropped = _meters.Collect("switchboard.datagrams.dropped");
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 1; i <= 300; i++)
        {
            var line = System.Text.Encoding.ASCII.GetBytes(i + "\n");
            Assert.Equal(line, await client.RequestAsync(line, TimeSpan.FromSeconds(5)));
        }

        Assert.Equal(0, Sum(dropped, "rate_limited"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnUnnamedUnixDatagramSenderGetsNoReplyAndOthersDo()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.UnixDatagram, _dir), o => o.MeterFactory = _meters);
        using var dropped = _meters.Collect("switchboard.datagrams.dropped");
        using (var unnamed = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
        {
            await unnamed.SendToAsync("anyone?"u8.ToArray(), SocketFlags.None, server.Listeners[0].Endpoint.ToEndPoint(), TestContext.Current.CancellationToken);
        }

        Assert.True(await Eventually.TrueAsync(() => Sum(dropped, "unaddressable") == 1));
        using var named = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        Assert.Equal("named"u8.ToArray(), await named.RequestAsync("named"u8.ToArray()));
    }

    private static long Sum(MetricCollector<long> dropped, string reason) => dropped.Sum("switchboard.drop.reason", reason);
}
