using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// The netcat forms <c>connect</c> and <c>listen</c> accept (HOST PORT, -u, -U, -l, -p, -k, -N, -z, -C, -v), each
/// against Debian's nc (netcat-openbsd) doing the same thing, and the ones refused with a clear line.
/// </summary>
public sealed class NetcatHabitsTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("-N")]
    [InlineData("-v")]
    public async Task ConnectHostPortTalksToNcListening(string flag)
    {
        var port = ClientTestPeers.FreePort();
        await using var nc = ExternalTool.Start("nc", "-l", "127.0.0.1", port.ToString());
        await nc.WriteAsync("from nc\n"u8.ToArray());

        var connect = await ConnectUntilAcceptedAsync("from connect\n"u8.ToArray(), "connect", flag, "127.0.0.1", port.ToString());

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal("from nc\n", connect.Text);
        var (code, stdout, _) = await nc.WaitAsync(TestTimeouts.Io);
        Assert.Equal(0, code);
        Assert.Equal("from connect\n", Encoding.ASCII.GetString(stdout));
        if (flag == "-v")
        {
            Assert.Contains("peer closed", connect.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("PeerClosed", connect.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectDashCSendsEveryLineEndingAsCrLf()
    {
        var port = ClientTestPeers.FreePort();
        await using var nc = ExternalTool.Start("nc", "-l", "127.0.0.1", port.ToString());
        await nc.WriteAsync([]);

        var connect = await ConnectUntilAcceptedAsync("HELO a\nMAIL b\r\nQUIT\n"u8.ToArray(), "connect", "-C", "127.0.0.1", port.ToString());

        Assert.Equal(0, connect.ExitCode);
        var (_, stdout, _) = await nc.WaitAsync(TestTimeouts.Io);
        Assert.Equal("HELO a\r\nMAIL b\r\nQUIT\r\n", Encoding.ASCII.GetString(stdout));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectDashUpperUTalksToNcListeningOnAUnixPath()
    {
        var path = _dir.File("nc.sock");
        await using var nc = ExternalTool.Start("nc", "-l", "-U", path);
        await nc.WriteAsync("from nc\n"u8.ToArray());
        Assert.True(await Eventually.TrueAsync(() => File.Exists(path)), "nc never bound its socket");

        var connect = await CliProcess.RunRawAsync("from connect\n"u8.ToArray(), RunLimit, "connect", "-U", path);

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal("from nc\n", connect.Text);
        var (_, stdout, _) = await nc.WaitAsync(TestTimeouts.Io);
        Assert.Equal("from connect\n", Encoding.ASCII.GetString(stdout));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectDashUSendsDatagramsLikeNcDashU()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)server.LocalEndPoint!).Port.ToString();

        var connect = await CliProcess.RunRawAsync("from connect\n"u8.ToArray(), RunLimit, "connect", "-u", "--wait", "200ms", "127.0.0.1", port);
        var nc = await PeerProcess.RunAsync("nc", ["-u", "-q", "0", "127.0.0.1", port], "from nc\n", RunLimit);

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal(0, nc.ExitCode);
        var buffer = new byte[100];
        var first = await server.ReceiveAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal("from connect\n", Encoding.ASCII.GetString(buffer, 0, first));
        var second = await server.ReceiveAsync(buffer, TestContext.Current.CancellationToken).AsTask().WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal("from nc\n", Encoding.ASCII.GetString(buffer, 0, second));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("-l", "-p", "0")]
    [InlineData("-l", "127.0.0.1", "0")]
    [InlineData("-l", "0")]
    [InlineData("-lvN", "-p", "0")]
    public async Task ListenInNetcatFormTakesNc(params string[] form)
    {
        var (listen, endpoint) = await CliProcess.ListenAsync(form);
        await using var _ = listen;
        Assert.Equal("tcp://127.0.0.1", endpoint.ToString()[..15]);
        await listen.StandardInput.WriteAsync("from listen\n");
        listen.StandardInput.Close();

        await using var nc = ExternalTool.Start("nc", "-N", "127.0.0.1", endpoint.Port.ToString());
        await nc.WriteAsync("from nc\n"u8.ToArray());
        var (code, stdout, _) = await nc.WaitAsync(TestTimeouts.Io);

        Assert.Equal(0, code);
        Assert.Equal("from listen\n", Encoding.ASCII.GetString(stdout));
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
        Assert.Equal(["from nc"], listen.StandardOutputLines);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenDashUDashUpperUServesAUnixDatagramPath()
    {
        var path = _dir.File("dgram.sock");
        var (listen, endpoint) = await CliProcess.ListenAsync("-l", "-u", "-U", path);
        await using var _ = listen;

        Assert.Equal(TransportKind.UnixDatagram, endpoint.Kind);
        Assert.Equal(path, endpoint.Path);
        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ScanExitCodesMatchNcForAnOpenAClosedPortAndARange()
    {
        using var open = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        open.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        open.Listen();
        var openPort = ((IPEndPoint)open.LocalEndPoint!).Port;
        var closedPort = ClientTestPeers.FreePort();
        string[] probes = [openPort.ToString(), closedPort.ToString(), $"{openPort - 1}-{openPort + 1}"];

        foreach (var probe in probes)
        {
            var nc = await PeerProcess.RunAsync("nc", ["-z", "127.0.0.1", probe], "", RunLimit);
            var ours = await CliProcess.RunRawAsync([], RunLimit, "connect", "-z", "127.0.0.1", probe);
            Assert.True(nc.ExitCode == ours.ExitCode, $"probe {probe}: nc exited {nc.ExitCode}, switchboard {ours.ExitCode}: {ours.Stderr}");
        }

        var verbose = await CliProcess.RunRawAsync([], RunLimit, "connect", "-zv", "127.0.0.1", $"{closedPort}", $"{openPort}");
        Assert.Equal(0, verbose.ExitCode);
        Assert.Contains($"connection to 127.0.0.1 port {openPort} (tcp) succeeded", verbose.Stderr, StringComparison.Ordinal);
        Assert.Contains($"connect to 127.0.0.1 port {closedPort} (tcp) failed: connection refused", verbose.Stderr, StringComparison.Ordinal);
        Assert.Empty(verbose.Stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ScanRefusesARemoteHostWithoutAllowRemote()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "connect", "-z", "192.0.2.1", "80");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("--allow-remote", line, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("127.0.0.1", "http")]
    [InlineData("127.0.0.1", "70000")]
    [InlineData("-u", "tcp://127.0.0.1:7")]
    [InlineData("127.0.0.1", "1", "2")]
    public async Task AConnectTargetThatIsNeitherUriNorHostPortIsOneLineAndExitTwo(params string[] target)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, ["connect", .. target]);

        Assert.Equal(2, run.ExitCode);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        Assert.StartsWith("switchboard: ", run.StderrLines[0], StringComparison.Ordinal);
    }

    /// <summary>nc -l prints nothing when ready; a refused attempt changes nothing on its side, so try again.</summary>
    private static async Task<CliRun> ConnectUntilAcceptedAsync(byte[] stdin, params string[] arguments)
    {
        CliRun run;
        do
        {
            run = await CliProcess.RunRawAsync(stdin, RunLimit, arguments);
        }
        while (run.ExitCode == 1 && run.Stderr.Contains("connection refused", StringComparison.Ordinal));

        return run;
    }
}
