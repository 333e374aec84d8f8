using System.Text.Json;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// Each <c>switchboard bench</c> mode run briefly against an in-process server: the summary's counts must agree
/// with what the server saw. Not a speed check: durations are short and nothing is timed.
/// </summary>
public sealed class BenchCommandTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(TransportKind.Tcp, 64, 1)]
    [InlineData(TransportKind.Unix, 3000, 4)]
    public async Task BenchEchoChecksEveryByteAndReportsMessagesWithoutErrors(TransportKind kind, int size, int inFlight)
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(kind, _dir));
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--connections", "4", "--size", size.ToString(),
            "--inflight", inFlight.ToString(), "--duration", "1", "--warmup", "0.2", "--threads", "2", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.True(summary.GetProperty("messages").GetInt64() > 0, stdout);
        Assert.Equal(size, summary.GetProperty("size").GetInt32());
        var latency = summary.GetProperty("latency");
        Assert.True(latency.GetProperty("p50Us").GetDouble() > 0, stdout);
        Assert.True(latency.GetProperty("p50Us").GetDouble() <= latency.GetProperty("maxUs").GetDouble(), stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchEchoReportsAServerThatSendsWrongBytesAsErrorsAndExitsOne()
    {
        // chargen talks without listening: its bytes are not an echo of ours.
        await using var server = TestServer.Start(new ChargenService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var (code, stdout, _) = await CliProcess.RunAsync(
            RunLimit, "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--connections", "2", "--duration", "0.5", "--warmup", "0");

        Assert.Equal(1, code);
        Assert.Contains("errors=2", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchConnectionsHoldsEveryConnectionTheServerAccepts()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var peak = 0;
        var run = CliProcess.RunAsync(
            RunLimit, "bench", "connections", server.Listeners[0].Endpoint.ToString(), "--count", "200", "--duration", "1.5", "--json");
        while (!run.IsCompleted)
        {
            peak = Math.Max(peak, server.ActiveConnections);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var (code, stdout, stderr) = await run;
        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(200, summary.GetProperty("opened").GetInt32());
        Assert.Equal(200, summary.GetProperty("accepted").GetInt32());
        Assert.Equal(0, summary.GetProperty("closedByServer").GetInt32());
        Assert.Equal(200, peak);
        Assert.Contains("200 of 200 connections open", stderr);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchConnectionsCountsThoseAServerClosesAtItsLimitAsNotAccepted()
    {
        await using var server = TestServer.Start(
            new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MaxConnections = 10);
        var (code, stdout, _) = await CliProcess.RunAsync(
            RunLimit, "bench", "connections", server.Listeners[0].Endpoint.ToString(), "--count", "30", "--duration", "1", "--json");

        Assert.Equal(1, code);
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(30, summary.GetProperty("opened").GetInt32());
        Assert.Equal(10, summary.GetProperty("accepted").GetInt32());
        Assert.Equal(20, summary.GetProperty("closedByServer").GetInt32());
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BenchChatJoinsEveryMemberAndCountsDeliveriesWithoutDrops(bool nick)
    {
        var relay = new LineRelayHandler(askNick: nick);
        await using var server = TestServer.Start(relay, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        string[] arguments =
        [
            "bench", "chat", server.Listeners[0].Endpoint.ToString(), "--members", "20", "--senders", "3", "--rate", "50",
            "--duration", "1", "--warmup", "0.3", "--json", .. nick ? new[] { "--nick" } : [],
        ];
        var (code, stdout, stderr) = await CliProcess.RunAsync(RunLimit, arguments);

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(20, summary.GetProperty("joined").GetInt32());
        Assert.Equal(0, summary.GetProperty("dropped").GetInt32());
        var sent = summary.GetProperty("sent").GetInt64();
        var deliveries = summary.GetProperty("deliveries").GetInt64();
        Assert.True(sent > 0 && deliveries > 0, stdout);
        // 3 senders at 50 lines/s for about a second, each line to 19 members: bounded by what was relayed.
        Assert.True(deliveries <= relay.LinesRelayed * 19L, $"{deliveries} deliveries but {relay.LinesRelayed} lines relayed");
        Assert.True(summary.GetProperty("latency").GetProperty("p50Us").GetDouble() > 0, stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchChatWithAlsoWaitsForTheProbeOnEveryServerBeforeASendersWindowMoves()
    {
        // Two relays that share nothing: no line reaches the other server's probe, so every sender stops after one
        // window, also those on the target whose lines member 0 sees (with member 0 alone they went on sending).
        var a = new LineRelayHandler(askNick: true);
        var b = new LineRelayHandler(askNick: true);
        await using var first = TestServer.Start(a, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var second = TestServer.Start(b, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "chat", first.Listeners[0].Endpoint.ToString(), "--also", second.Listeners[0].Endpoint.ToString(),
            "--members", "20", "--senders", "3", "--rate", "0", "--window", "4", "--duration", "1", "--warmup", "0", "--nick", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(20, summary.GetProperty("joined").GetInt32());
        Assert.Equal(0, summary.GetProperty("dropped").GetInt32());
        Assert.Equal(3 * 4, summary.GetProperty("sent").GetInt64());
        Assert.Equal(3 * 4, a.LinesRelayed + b.LinesRelayed);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchChatWithAlsoOnTwoServersSharingRedisKeepsEveryWindowMoving()
    {
        await using var cluster = await ChatRedis.ChatCluster.StartAsync(2);
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "chat", cluster[0].Endpoint.ToString(), "--also", cluster[1].Endpoint.ToString(),
            "--members", "20", "--senders", "3", "--rate", "0", "--window", "4", "--duration", "1", "--warmup", "0.3", "--nick", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(20, summary.GetProperty("joined").GetInt32());
        Assert.Equal(0, summary.GetProperty("dropped").GetInt32());
        Assert.True(summary.GetProperty("sent").GetInt64() > 3 * 4, stdout); // both probes saw lines: the windows moved
        Assert.True(summary.GetProperty("deliveries").GetInt64() > 0, stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchRefusesANonLoopbackTargetUnlessAllowedExplicitly()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(RunLimit, "bench", "echo", "tcp://192.0.2.1:7", "--duration", "1");

        Assert.Equal(2, code);
        Assert.Contains("--allow-remote", stderr);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchSaysSoInOneLineWhenNothingListens()
    {
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port; // bound, never listening: connects are refused

        var (code, _, stderr) = await CliProcess.RunAsync(RunLimit, "bench", "echo", $"tcp://127.0.0.1:{port}", "--duration", "1");

        Assert.Equal(1, code);
        Assert.StartsWith("switchboard: cannot connect to", stderr.Trim());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task CtrlCStopsTheLoadEarlyAndStillPrintsTheSummary()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MeterFactory = _meters);
        using var bytes = _meters.Collect("switchboard.connection.io");
        await using var bench = CliProcess.Start(
            "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--connections", "2", "--duration", "120", "--warmup", "0");
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 2));

        // One 64-byte message in flight per connection: a third message received means a connection had its
        // first echo back, so the summary has messages to report.
        Assert.True(await Eventually.TrueAsync(() => bytes.Sum("network.io.direction", "receive") >= 3 * 64), "no messages went through");

        bench.Signal(2); // SIGINT, as Ctrl-C
        var code = await bench.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, code);
        var line = Assert.Single(bench.StandardOutputLines, l => l.StartsWith("echo-bench:", StringComparison.Ordinal));
        Assert.Contains("errors=0", line);
        Assert.DoesNotContain(" msgs=0 ", line);
    }
}
