using System.Text.Json;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// <c>switchboard bench echo udp://</c> and <c>unixgram://</c> against in-process servers: every reply checked,
/// loss counted rather than failed on, corrupt replies failed on. Not a speed check.
/// </summary>
public sealed class BenchDatagramEchoTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(TransportKind.Udp, ConcurrencyModel.Async)]
    [InlineData(TransportKind.Udp, ConcurrencyModel.Select)]
    [InlineData(TransportKind.UnixDatagram, ConcurrencyModel.Select)]
    public async Task BenchEchoOverDatagramsChecksEveryReplyAndCountsNoLossOnLoopback(TransportKind kind, ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(kind, _dir), o => o.DatagramReplyRate = 0);
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--connections", "4", "--size", "64",
            "--inflight", "2", "--duration", "1", "--warmup", "0.2", "--threads", "2", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.True(summary.GetProperty("messages").GetInt64() > 0, stdout);
        Assert.Equal(4, summary.GetProperty("sockets").GetInt32());

        // A reply counts as late only after its datagram was given up as lost.
        Assert.True(summary.GetProperty("late").GetInt64() <= summary.GetProperty("lost").GetInt64(), stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ASilentServerIsReportedAsLossNotAsAnError()
    {
        await using var server = TestServer.Start(new DiscardService(), ConcurrencyModel.Select, TestServer.Ephemeral(TransportKind.Udp, _dir));
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--connections", "2", "--inflight", "3",
            "--duration", "1", "--warmup", "0", "--loss-timeout", "100ms");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        Assert.Contains("msgs=0 ", stdout);
        Assert.Matches(@"lost=[1-9]\d* late=0 errors=0", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task RepliesThatAreNotTheDatagramAreErrorsAndExitOne()
    {
        // chargen answers any datagram with a line of its pattern: not an echo of ours.
        await using var server = TestServer.Start(new ChargenService(), ConcurrencyModel.Select, TestServer.Ephemeral(TransportKind.Udp, _dir), o => o.DatagramReplyRate = 0);
        var (code, stdout, _) = await CliProcess.RunAsync(
            RunLimit, "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--connections", "2", "--duration", "0.5", "--warmup", "0");

        Assert.Equal(1, code);
        Assert.Contains("errors=2", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ADatagramTooSmallForItsHeaderIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(RunLimit, "bench", "echo", "udp://127.0.0.1:9", "--size", "4", "--duration", "1");
        Assert.Equal(2, code);
        Assert.Contains("--size", stderr);
    }
}
