using System.Globalization;
using System.Text;
using Switchboard.Cli.Relay;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

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
        await using var server = StartEcho(kind, limitLoopback: false);

        var run = await CliProcess.RunRawAsync(Lines(300), RunLimit, "connect", "--wait", "1s", server.Listeners[0].Endpoint.ToString());

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

    private static byte[] Lines(int count) =>
        Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\n")));

    private static string[] Numbers(int count) => [.. Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    // Loopback keeps datagrams in order, but nothing promises it: compare the lines, not their order.
    private static string[] Sorted(string text) =>
        [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).OrderBy(l => int.Parse(l, CultureInfo.InvariantCulture))];
}
