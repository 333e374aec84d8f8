using System.Net.Sockets;
using System.Text.Json;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// <c>switchboard bench</c> pointed at servers that are not ours (Debian's socat and ncat), as users will point it:
/// the load generator must speak plain echo and plain line chat, not only our dialect. Short runs; nothing timed.
/// </summary>
public sealed class BenchThirdPartyTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchEchoChecksEveryByteSocatEchoesBack()
    {
        var path = _dir.File("socat-echo.sock");
        await using var socat = ExternalTool.Start("socat", $"UNIX-LISTEN:{path},fork,backlog=128", "PIPE");
        Assert.True(await Eventually.TrueAsync(() => File.Exists(path)), "socat did not create its socket");

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "echo", "unix://" + path, "--connections", "4", "--size", "1000", "--inflight", "2",
            "--duration", "1", "--warmup", "0.2", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.True(summary.GetProperty("messages").GetInt64() > 0, stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchConnectionsHoldsWhatSocatAccepts()
    {
        var path = _dir.File("socat-hold.sock");
        await using var socat = ExternalTool.Start("socat", $"UNIX-LISTEN:{path},fork,backlog=128", "PIPE");
        Assert.True(await Eventually.TrueAsync(() => File.Exists(path)), "socat did not create its socket");

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "connections", "unix://" + path, "--count", "20", "--duration", "1", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(20, summary.GetProperty("opened").GetInt32());
        Assert.Equal(20, summary.GetProperty("accepted").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchChatCountsNcatChatDeliveriesWithoutDrops()
    {
        // ncat's chat mode has no Unix socket form and cannot report an ephemeral port: give it a free one.
        var port = ClientTestPeers.FreePort();
        await using var ncat = ExternalTool.Start("ncat", "-l", "--chat", "127.0.0.1", port.ToString(), "--max-conns", "100");
        Assert.True(await Eventually.TrueAsync(() => Accepts(port)), $"ncat is not listening on port {port}");

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunLimit, "bench", "chat", $"tcp://127.0.0.1:{port}", "--members", "10", "--senders", "2", "--rate", "20",
            "--duration", "1", "--warmup", "0.3", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(10, summary.GetProperty("joined").GetInt32());
        Assert.Equal(0, summary.GetProperty("dropped").GetInt32());
        Assert.True(summary.GetProperty("deliveries").GetInt64() > 0, stdout);
    }

    private static bool Accepts(int port)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Connect(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
