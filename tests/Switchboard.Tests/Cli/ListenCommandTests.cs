using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>switchboard listen</c> against <c>switchboard connect</c>, Debian's nc and socat, and raw sockets.</summary>
public sealed class ListenCommandTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("tcp")]
    [InlineData("tcp6")]
    [InlineData("unix")]
    public async Task ListenAndConnectTalkToEachOther(string transport)
    {
        var (listen, endpoint) = await CliProcess.ListenAsync(ListenUri(transport));
        await using var _ = listen;
        await listen.StandardInput.WriteAsync("from listen\n");
        listen.StandardInput.Close();

        var connect = await CliProcess.RunRawAsync("from connect\n"u8.ToArray(), RunLimit, "connect", endpoint.ToString());

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal("from listen\n", connect.Text);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
        Assert.Equal(["from connect"], listen.StandardOutputLines);
        if (endpoint.Kind == TransportKind.Unix)
        {
            Assert.False(File.Exists(endpoint.Path), "listen left its socket file behind");
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenAndConnectTalkOverUdp()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("udp://127.0.0.1:0");
        await using var _ = listen;
        var connecting = CliProcess.RunRawAsync(
            async stdin => await stdin.WriteAsync("ping\n"u8.ToArray()), RunLimit, "connect", "--wait", "10s", endpoint.ToString());

        Assert.True(await Eventually.TrueAsync(() => listen.StandardOutputLines.Contains("ping")), "listen never printed the datagram");
        await listen.StandardInput.WriteAsync("pong\n");
        await listen.StandardInput.FlushAsync(TestContext.Current.CancellationToken);

        var connect = await connecting;
        Assert.Equal(0, connect.ExitCode);
        Assert.Equal("pong\n", connect.Text);
        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectTalksToNcListening()
    {
        var port = ClientTestPeers.FreePort();
        await using var nc = ExternalTool.Start("nc", "-l", "127.0.0.1", port.ToString());
        await nc.WriteAsync("from nc\n"u8.ToArray());

        CliRun connect;
        do
        {
            // nc -l prints nothing when ready; a refused attempt changes nothing on its side, so try again.
            connect = await CliProcess.RunRawAsync("from connect\n"u8.ToArray(), RunLimit, "connect", $"tcp://127.0.0.1:{port}");
        }
        while (connect.ExitCode == 1 && connect.Stderr.Contains("connection refused", StringComparison.Ordinal));

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal("from nc\n", connect.Text);
        var (code, stdout, _) = await nc.WaitAsync(TestTimeouts.Io);
        Assert.Equal(0, code);
        Assert.Equal("from connect\n", Encoding.ASCII.GetString(stdout));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NcConnectsToListen()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0");
        await using var _ = listen;
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
    public async Task SocatConnectsToAUnixListen()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("unix://" + _dir.File("listen.sock"));
        await using var _ = listen;
        await listen.StandardInput.WriteAsync("from listen\n");
        listen.StandardInput.Close();

        await using var socat = ExternalTool.Start("socat", "-", "UNIX-CONNECT:" + endpoint.Path);
        await socat.WriteAsync("from socat\n"u8.ToArray());
        var (code, stdout, _) = await socat.WaitAsync(TestTimeouts.Io);

        Assert.Equal(0, code);
        Assert.Equal("from listen\n", Encoding.ASCII.GetString(stdout));
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
        Assert.Equal(["from socat"], listen.StandardOutputLines);
        Assert.False(File.Exists(endpoint.Path));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectTalksToSocatListeningOnAUnixSocket()
    {
        var path = _dir.File("socat.sock");
        await using var socat = ExternalTool.Start("socat", "UNIX-LISTEN:" + path, "-");
        await socat.WriteAsync("from socat\n"u8.ToArray(), close: false);
        Assert.True(await Eventually.TrueAsync(() => File.Exists(path)), "socat never bound its socket");

        var connect = await CliProcess.RunRawAsync("from connect\n"u8.ToArray(), RunLimit, "connect", "unix://" + path);

        Assert.Equal(0, connect.ExitCode);
        Assert.Equal("from socat\n", connect.Text);
        var (_, stdout, _) = await socat.WaitAsync(TestTimeouts.Io);
        Assert.Equal("from connect\n", Encoding.ASCII.GetString(stdout));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task KeepOpenServesManyAtOnceAndInterleavesTheirOutputByLine()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("unix://" + _dir.File("many.sock"), "--keep-open");
        await using var _ = listen;
        var clients = new List<Socket>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await TestClient.ConnectAsync(endpoint));
        }

        // Each client's line arrives in two pieces, the pieces of different clients in between each other.
        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            await client.SendAllAsync(Encoding.ASCII.GetBytes($"client {i} says "));
        }

        await Task.Delay(200, TestContext.Current.CancellationToken);
        foreach (var (client, i) in clients.Select((c, i) => (c, i)))
        {
            await client.SendAllAsync(Encoding.ASCII.GetBytes($"hello {i}\n"));
            client.Dispose();
        }

        Assert.True(await Eventually.TrueAsync(() => listen.StandardOutputLines.Count == 3), string.Join('|', listen.StandardOutputLines));
        Assert.Equal(
            ["client 0 says hello 0", "client 1 says hello 1", "client 2 says hello 2"],
            listen.StandardOutputLines.Order());

        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
        Assert.False(File.Exists(endpoint.Path), "listen left its socket file behind");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task KeepOpenSendsStdinToEveryConnectedPeer()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0", "-k", "-v");
        await using var _ = listen;
        using var first = await TestClient.ConnectAsync(endpoint);
        using var second = await TestClient.ConnectAsync(endpoint);
        Assert.True(
            await Eventually.TrueAsync(() => listen.StandardError.Split("connection from ").Length == 3),
            "listen did not report both connections subscribed to stdin: " + listen.StandardError);

        await listen.StandardInput.WriteAsync("to all\n");
        listen.StandardInput.Close(); // stdin EOF: every peer gets a FIN after the line

        Assert.Equal("to all\n", Encoding.ASCII.GetString(await first.ReadToEndAsync()));
        Assert.Equal("to all\n", Encoding.ASCII.GetString(await second.ReadToEndAsync()));
        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task KeepOpenDropsAPeerThatNeverReadsAndTheOthersGetAllOfStdin()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0", "-k", "-v");
        await using var _ = listen;
        using var stuck = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await stuck.ConnectAsync(endpoint.ToEndPoint(), TestContext.Current.CancellationToken); // and never reads
        using var reader = await TestClient.ConnectAsync(endpoint);
        Assert.True(
            await Eventually.TrueAsync(() => listen.StandardError.Split("connection from ").Length == 3),
            "listen did not report both connections subscribed to stdin: " + listen.StandardError);

        // Far more than the stuck peer's queue and socket buffers hold: without the drop, stdin stops for everyone.
        var data = new byte[24 * 1024 * 1024];
        new Random(11).NextBytes(data);
        var feeding = Task.Run(async () =>
        {
            await listen.StandardInput.BaseStream.WriteAsync(data, TestContext.Current.CancellationToken);
            listen.StandardInput.Close();
        }, TestContext.Current.CancellationToken);

        var received = await ReadToEndAsync(reader, TimeSpan.FromSeconds(60));
        Assert.Equal(data.Length, received.Length);
        Assert.True(data.AsSpan().SequenceEqual(received), "the reading peer got other bytes than stdin");
        await feeding;
        Assert.Contains($"dropped {EndpointText.Format(stuck.LocalEndPoint)}", listen.StandardError, StringComparison.Ordinal);
        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("udp")]
    [InlineData("unixgram")]
    public async Task ADatagramListenPrintsEveryPeerAndRepliesToTheLast(string transport)
    {
        var (listen, endpoint) = await CliProcess.ListenAsync(ListenUri(transport));
        await using var _ = listen;
        using var a = TestClient.DatagramFor(endpoint, _dir);
        using var b = TestClient.DatagramFor(endpoint, _dir);

        await a.SendAsync("from a\n"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
        Assert.True(await Eventually.TrueAsync(() => listen.StandardOutputLines.Count == 1));
        await b.SendAsync("from b\n"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
        Assert.True(await Eventually.TrueAsync(() => listen.StandardOutputLines.Count == 2));
        await listen.StandardInput.WriteAsync("to the last\n");
        await listen.StandardInput.FlushAsync(TestContext.Current.CancellationToken);

        Assert.Equal("to the last\n", Encoding.ASCII.GetString((await b.ReceiveDatagramAsync(TestTimeouts.Io))!));
        Assert.Null(await a.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(300)));
        Assert.Equal(["from a", "from b"], listen.StandardOutputLines);
        listen.Signal(15);
        Assert.Equal(0, await listen.WaitForExitAsync(TestTimeouts.Io));
        if (endpoint.Kind.IsUnix())
        {
            Assert.False(File.Exists(endpoint.Path), "listen left its socket file behind");
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListeningWhereALiveServerListensIsOneLineAndExitOne()
    {
        await using var server = ServiceServers.Start("echo", "unix", _dir);

        var run = await CliProcess.RunRawAsync([], RunLimit, "listen", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.Contains("a live server is already listening", line, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }

    private string ListenUri(string transport) => transport switch
    {
        "tcp" => "tcp://127.0.0.1:0",
        "tcp6" => "tcp://[::1]:0",
        "udp" => "udp://127.0.0.1:0",
        "unix" => "unix://" + _dir.File("listen.sock"),
        _ => "unixgram://" + _dir.File("listen.sock"),
    };
}
