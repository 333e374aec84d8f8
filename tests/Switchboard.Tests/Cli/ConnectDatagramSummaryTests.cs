using System.Globalization;
using System.Text;
using Switchboard.Cli.Relay;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Cli;

/// <summary>
/// Issue 12: <c>seq 1 300 | switchboard connect udp://127.0.0.1:7007</c> printed 200 lines and said nothing. Our own
/// server no longer limits a loopback client, and <c>connect</c> says when replies are missing.
/// </summary>
public sealed class ConnectDatagramSummaryTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(TransportKind.Udp)]
    [InlineData(TransportKind.UnixDatagram)]
    public async Task ThreeHundredLinesThroughOurEchoAllComeBack(TransportKind kind)
    {
        var echo = new CountingEcho();
        await using var server = TestServer.Start(echo, ConcurrencyModel.Async, TestServer.Ephemeral(kind, _dir), o =>
        {
            o.DatagramReplyRate = 1; // what a local source would get if it were limited: 5, and 1 a second
            o.DatagramReplyBurst = 5;
        });

        // Ten lines at a time, each batch once the server has the last: UDP may drop what overflows a socket
        // buffer on a loaded machine, and this test is about the server's limit, not about buffers.
        var run = await CliProcess.RunRawAsync(
            async stdin =>
            {
                for (var i = 0; i < 300; i += 10)
                {
                    await stdin.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(i + 1, 10).Select(n => n.ToString(CultureInfo.InvariantCulture) + "\n"))));
                    await stdin.FlushAsync();
                    Assert.True(await Eventually.TrueAsync(() => echo.Received >= i + 10));
                }
            },
            RunLimit,
            "connect",
            "--wait",
            "1s",
            server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Numbers(300), Sorted(run.Text));
        Assert.Equal("", run.Stderr); // every datagram answered: nothing to say without -v
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task WithLoopbackLimitedTheSummarySaysHowManyGotNoReply()
    {
        await using var server = StartEcho(TransportKind.Udp, limitLoopback: true);

        var run = await CliProcess.RunRawAsync(Lines(300), RunLimit, "connect", "--wait", "1s", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        var received = run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.InRange(received, 5, 100); // the burst of 5, and 1 per second after it
        Assert.Equal([$"switchboard: sent 300 datagrams, received {received}; {300 - received} got no reply"], run.StderrLines);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task VerboseCountsEvenWhenEveryDatagramWasAnswered()
    {
        await using var server = StartEcho(TransportKind.Udp, limitLoopback: false);

        var run = await CliProcess.RunRawAsync(Lines(3), RunLimit, "connect", "-v", "--wait", "500ms", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("switchboard: sent 3 datagrams, received 3", run.StderrLines);
    }

    [Theory]
    [InlineData(3, 3, false, true, null)]
    [InlineData(3, 3, true, true, "switchboard: sent 3 datagrams, received 3")]
    [InlineData(1, 0, false, true, "switchboard: sent 1 datagram, received 0; 1 got no reply")] // discard: true, if expected
    [InlineData(2, 5, false, true, null)] // a service that answers more than once
    [InlineData(300, 0, false, false, null)] // --send-only: replies are not the point
    public void TheSummaryIsOneLineAndOnlyWhenRepliesAreMissingOrAskedFor(int sent, int received, bool verbose, bool receive, string? expected) =>
        Assert.Equal(expected, DatagramRelay.Summary(sent, received, new RelayOptions { Verbose = verbose, Receive = receive }));

    private Server StartEcho(TransportKind kind, bool limitLoopback) =>
        TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(kind, _dir), o =>
        {
            o.DatagramReplyLimitLoopback = limitLoopback;
            o.DatagramReplyRate = 1;
            o.DatagramReplyBurst = 5;
            o.Transport.ReceiveBufferSize = 4 * 1024 * 1024; // 300 datagrams at once must not overflow a loaded server
        });

    /// <summary>Echo that counts what it received, so the test can pace its input.</summary>
    private sealed class CountingEcho : IDatagramHandler
    {
        private int _received;

        public int Received => Volatile.Read(ref _received);

        public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _received);
            await datagram.ReplyAsync(datagram.Payload, cancellationToken);
        }
    }

    private static byte[] Lines(int count) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n")));

    private static string[] Numbers(int count) => [.. Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    // Loopback keeps datagrams in order, but nothing promises it: compare the lines, not their order.
    private static string[] Sorted(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).OrderBy(l => int.Parse(l, CultureInfo.InvariantCulture))];
}
