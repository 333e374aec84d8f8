using System.Diagnostics;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary><c>--udp-reply-rate</c> holds at every rate, below 10 per second as well as above.</summary>
public sealed class DatagramReplyRateTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(1, 2)]
    [InlineData(3, 2)]
    [InlineData(100, 20)]
    public async Task ASourceThatAsksWithoutPauseGetsTheBurstThenTheRate(int rate, int burst)
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Udp, _dir), o =>
        {
            o.DatagramReplyRate = rate;
            o.DatagramReplyBurst = burst;
            o.DatagramReplyLimitLoopback = true; // the client is on loopback
        });
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        var replies = 0;
        var clock = Stopwatch.StartNew();
        var lastReply = TimeSpan.Zero;
        var receiving = Task.Run(CountRepliesAsync, TestContext.Current.CancellationToken);
        async Task CountRepliesAsync()
        {
            while (await client.ReceiveDatagramAsync(TimeSpan.FromSeconds(2)) is not null)
            {
                replies++;
                lastReply = clock.Elapsed;
            }
        }

        // Ask far faster than the rate for two seconds: a few datagrams, then a breath.
        var window = TimeSpan.FromSeconds(2);
        while (clock.Elapsed < window)
        {
            for (var i = 0; i < 5; i++)
            {
                await client.SendAsync("x"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await receiving;

        // Every token the server granted was in the bucket at the start or refilled between the first request
        // and the last reply; one more for the rounding of the clock.
        var most = burst + (rate * lastReply.TotalSeconds) + 1;
        Assert.InRange(replies, burst, most);
        if (rate >= 10)
        {
            Assert.True(replies >= burst + (rate * window.TotalSeconds / 2), $"{replies} replies: the rate is not reached");
        }
    }
}
