using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Switchboard.Chat;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>switchboard serve</c> as a process: its help, its startup errors, its exit codes.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private static readonly string[] ServeOptions =
    [
        "--listen", "--model", "--async-loops", "--max-connections", "--max-connections-per-ip", "--idle-timeout", "--drain", "--max-line", "--line-flush",
        "--line-timeout",
        "--tcp-nodelay", "--keepalive", "--reuse-address", "--send-buffer", "--receive-buffer", "--backlog", "--udp-batch",
        "--unix-mode", "--udp-reply-rate", "--udp-reply-burst", "--udp-reply-limit-loopback", "--log-level", "--log-format",
        "--max-members", "--max-line-rate", "--line-burst", "--max-queue-bytes", "--soft-queue-bytes", "--soft-queue-grace", "--behind", "--write-deadline",
        "--backplane", "--server-id", "--server-lost-after",
        "--nick-timeout",
        "--tls-cert", "--tls-key", "--tls-password", "--tls-self-signed", "--tls-client-ca", "--alpn", "--tls-handshake-timeout",
        "--config", "--print-config",
        "--sh-exec", "--stderr", "--exec-mode", "--linger",
    ];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task HelpListsEveryOptionWithItsDefault()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "--help");
        Assert.Equal(0, code);
        var optionLines = stdout.Split('\n').Where(l => l.TrimStart().StartsWith('-') && !l.Contains("--help", StringComparison.Ordinal)).ToList();
        foreach (var option in ServeOptions)
        {
            Assert.Contains(optionLines, l => l.Contains(option + " ", StringComparison.Ordinal) || l.TrimEnd().EndsWith(option, StringComparison.Ordinal));
        }

        Assert.Equal(ServeOptions.Length, optionLines.Count);
        Assert.All(optionLines, l => Assert.Contains("[default: ", l, StringComparison.Ordinal));
        Assert.Contains(optionLines, l => l.Contains("--tcp-nodelay", StringComparison.Ordinal) && l.Contains("[default: true]", StringComparison.Ordinal));
        Assert.Contains(optionLines, l => l.Contains("--keepalive", StringComparison.Ordinal) && l.Contains("[default: false]", StringComparison.Ordinal));
        Assert.Contains("echo (port 7007)", stdout, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("connect")]
    [InlineData("listen")]
    [InlineData("resolve")]
    [InlineData("bench", "echo")]
    [InlineData("bench", "chat")]
    [InlineData("bench", "connections")]
    public async Task EveryOtherCommandsHelpGivesEachOptionItsDefault(params string[] command)
    {
        var (code, stdout, _) = await CliProcess.RunAsync(TestTimeouts.Io * 3, [.. command, "--help"]);
        Assert.Equal(0, code);
        // The Options block ends at its blank line; connect's and listen's help go on with the EOF policy.
        var options = stdout[stdout.IndexOf("\nOptions:", StringComparison.Ordinal)..].Split('\n').Skip(1).TakeWhile(l => l.Trim().Length > 0)
            .Where(l => l.TrimStart().StartsWith('-') && !l.Contains("--help", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(options);
        Assert.All(options, l => Assert.Contains("[default: ", l, StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task APortInUseExitsWithOneLineNamingTheEndpoint()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        var endpoint = $"tcp://127.0.0.1:{((IPEndPoint)holder.LocalEndPoint!).Port}";
        var (code, stdout, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", endpoint);
        Assert.Equal(1, code);
        AssertOneLine(stderr, endpoint);
        Assert.Contains("address already in use", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task APortASecondSwitchboardHoldsIsInUseToo()
    {
        var (first, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0");
        await using var _ = first;
        var (code, _, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", endpoints[0].ToString());
        Assert.Equal(1, code);
        AssertOneLine(stderr, endpoints[0].ToString());
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("tcp://192.0.2.1:0", "address not available")]
    [InlineData("udp://host.invalid:0", "host 'host.invalid' not found")]
    public async Task AnAddressThisHostCannotBindExitsWithOneLineNamingTheEndpoint(string endpoint, string expected)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", endpoint);
        Assert.Equal(1, code);
        AssertOneLine(stderr, endpoint);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("127.0.0.1:7007", "not a URI")]
    [InlineData("http://127.0.0.1:7007", "unknown scheme 'http'")]
    [InlineData("tcp://127.0.0.1:70000", "port 70000 is out of range")]
    [InlineData("unix://relative/x.sock", "is relative")]
    public async Task ABadEndpointExitsWithUsageErrorAndOneLineNamingTheBadPart(string endpoint, string expected)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", endpoint);
        Assert.Equal(2, code);
        AssertOneLine(stderr, expected);
        Assert.Empty(stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ANegativeAsyncLoopCountExitsWithUsageError()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", "tcp://127.0.0.1:0", "--async-loops", "-1");
        Assert.Equal(2, code);
        AssertOneLine(stderr, "--async-loops");
        Assert.Empty(stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AUnixPathTooLongForSunPathExitsWithUsageError()
    {
        var path = "/tmp/" + new string('x', 120) + ".sock";
        var (code, _, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", "unix://" + path);
        Assert.Equal(2, code);
        AssertOneLine(stderr, "107");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task PermissionDeniedOnALowPortExitsWithOneLine()
    {
        Assert.SkipWhen(LowPortsAreOpenToAll(), "net.ipv4.ip_unprivileged_port_start lets anyone bind port 80");
        string[] serve = [CliProcess.ToolPath, "serve", "echo", "--listen", "tcp://127.0.0.1:80"];

        // As root, run the tool as nobody (setpriv, util-linux): root may bind any port.
        var (code, _, stderr) = Environment.UserName == "root"
            ? await PeerProcess.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", "dotnet", .. serve], "", TestTimeouts.Io * 3)
            : await PeerProcess.RunAsync("dotnet", serve, "", TestTimeouts.Io * 3);
        Assert.Equal(1, code);
        AssertOneLine(stderr, "tcp://127.0.0.1:80");
        Assert.Contains("permission denied", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task UnixModeSixHundredGivesTheFileModeSixHundred()
    {
        var path = _dir.File("cli-mode.sock");
        var (process, _) = await CliProcess.ServeAsync(1, "echo", "--listen", "unix://" + path, "--unix-mode", "600");
        await using var _ = process;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListeningLinesNameTheBoundAddressAndRealPort()
    {
        var path = _dir.File("cli-lines.sock");
        var (process, endpoints) = await CliProcess.ServeAsync(3, "echo", "--listen", "tcp://:0", "--listen", "udp://[::1]:0", "--listen", "unix://" + path);
        await using var _ = process;
        Assert.Matches(@"^tcp://127\.0\.0\.1:[1-9]\d*$", endpoints[0].ToString());
        Assert.Matches(@"^udp://\[::1\]:[1-9]\d*$", endpoints[1].ToString());
        Assert.Equal("unix://" + path, endpoints[2].ToString());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task UdpReplyBurstAndRateLimitWhatOneSourceGets()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "udp://127.0.0.1:0", "--udp-reply-rate", "1", "--udp-reply-burst", "3", "--udp-reply-limit-loopback");
        await using var _ = process;
        using var client = TestClient.DatagramFor(endpoints[0], _dir);
        for (var i = 0; i < 10; i++)
        {
            await client.SendAsync(new byte[] { (byte)i }, SocketFlags.None);
        }

        var replies = 0;
        while (await client.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(500)) is not null)
        {
            replies++;
        }

        // The burst of 3, plus at most one or two refilled at 1 per second while the test ran.
        Assert.InRange(replies, 3, 5);

        // The warning says why a local client is limited at all, and which flags do it (the library names its options).
        Assert.True(
            await Eventually.TrueAsync(() => process.StandardError.Contains("(--udp-reply-rate, --udp-reply-burst; local sources are limited because --udp-reply-limit-loopback is on)", StringComparison.Ordinal)),
            process.StandardError);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AConnectionOverTheLimitIsLoggedWithTheFlagThatSetsIt()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--max-connections", "1");
        await using var _ = process;
        using var holder = await TestClient.ConnectAsync(endpoints[0]);
        await holder.SendAllAsync("h"u8.ToArray());
        await holder.ReadExactlyAsync(1); // served: it holds the one slot
        using var refused = await TestClient.ConnectAsync(endpoints[0]);

        Assert.True(
            await Eventually.TrueAsync(() => process.StandardError.Contains("rejected: 1 connections is the limit (--max-connections)", StringComparison.Ordinal)),
            process.StandardError);
        Assert.DoesNotContain("MaxConnections", process.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task HelpShowsTheLibrarysOwnDefaults()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "--help");
        Assert.Equal(0, code);
        var server = new ServerOptions();
        var services = new ServiceOptions();
        var chat = new ChatOptions();
        Assert.Equal(server.MaxConnections.ToString(CultureInfo.InvariantCulture), DefaultOf(stdout, "--max-connections"));
        Assert.Equal(server.DatagramReplyBurst.ToString(CultureInfo.InvariantCulture), DefaultOf(stdout, "--udp-reply-burst"));
        Assert.Equal(server.Transport.Backlog.ToString(CultureInfo.InvariantCulture), DefaultOf(stdout, "--backlog"));
        Assert.Equal("64", DefaultOf(stdout, "--udp-batch"));
        Assert.Equal(services.MaxLine.ToString(CultureInfo.InvariantCulture), DefaultOf(stdout, "--max-line"));
        Assert.Equal(chat.MaxQueuedBytes.ToString(CultureInfo.InvariantCulture), DefaultOf(stdout, "--max-queue-bytes"));
        Assert.Equal(server.IdleTimeout, TimeSpan.FromMinutes(int.Parse(DefaultOf(stdout, "--idle-timeout").TrimEnd('m'), CultureInfo.InvariantCulture)));
        Assert.Equal(services.LineTimeout, TimeSpan.FromSeconds(int.Parse(DefaultOf(stdout, "--line-timeout").TrimEnd('s'), CultureInfo.InvariantCulture)));
        Assert.Equal(chat.NickTimeout, TimeSpan.FromSeconds(int.Parse(DefaultOf(stdout, "--nick-timeout").TrimEnd('s'), CultureInfo.InvariantCulture)));
    }

    private static string DefaultOf(string help, string option)
    {
        var line = help.Split('\n').Single(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        var start = line.LastIndexOf("[default: ", StringComparison.Ordinal) + "[default: ".Length;
        return line[start..line.IndexOf(']', start)];
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task UdpRepliesToALoopbackSourceAreNotLimitedByDefault()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "udp://127.0.0.1:0", "--udp-reply-rate", "1", "--udp-reply-burst", "3");
        await using var _ = process;
        using var client = TestClient.DatagramFor(endpoints[0], _dir);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(new byte[] { (byte)i }, await client.RequestAsync(new byte[] { (byte)i }));
        }
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("async", "1")]
    [InlineData("select", "1")]
    [InlineData("async", null)]
    [InlineData("select", null)]
    public async Task UdpEchoAnswersEveryDatagramOneAPerCallOrInBatches(string model, string? batch)
    {
        string[] batchFlag = batch is null ? [] : ["--udp-batch", batch];
        var (process, endpoints) = await CliProcess.ServeAsync(1, ["echo", "--listen", "udp://127.0.0.1:0", "--model", model, .. batchFlag]);
        await using var _ = process;
        using var client = TestClient.DatagramFor(endpoints[0], _dir);

        // Sent before any is read, so that the default's batches find several waiting.
        const int Count = 100;
        for (var i = 0; i < Count; i++)
        {
            await client.SendAsync(BitConverter.GetBytes(i), SocketFlags.None);
        }

        var replies = new List<int>();
        while (replies.Count < Count && await client.ReceiveDatagramAsync(TestTimeouts.Io) is { } reply)
        {
            Assert.Equal(sizeof(int), reply.Length);
            replies.Add(BitConverter.ToInt32(reply));
        }

        // Loopback keeps datagrams, but nothing promises their order: the same set, each once.
        Assert.Equal(Enumerable.Range(0, Count), replies.Order());
        Assert.Equal(new byte[] { 7 }, await client.RequestAsync(new byte[] { 7 }));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("0", "--udp-batch must be a positive number, not 0")]
    [InlineData("1025", "--udp-batch must be at most 1,024, not 1,025")]
    public async Task AUdpBatchOutOfRangeExitsWithUsageErrorAndOneLine(string batch, string expected)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(TestTimeouts.Io * 3, "serve", "echo", "--listen", "udp://127.0.0.1:0", "--udp-batch", batch);
        Assert.Equal(2, code);
        Assert.Equal("switchboard: " + expected, stderr.Trim());
        Assert.Empty(stdout);
    }

    private static void AssertOneLine(string stderr, string expected)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{stderr}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    private static bool LowPortsAreOpenToAll() =>
        File.Exists("/proc/sys/net/ipv4/ip_unprivileged_port_start")
        && int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_unprivileged_port_start").Trim(), System.Globalization.CultureInfo.InvariantCulture) <= 80;
}
