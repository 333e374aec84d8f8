using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>switchboard connect</c> as a process against real servers: data, transports, clean failures.</summary>
public sealed class ConnectCommandTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> StreamTransports => ["tcp", "tcp6", "unix"];

    public static TheoryData<string> DatagramTransports => ["udp", "udp6", "unixgram"];

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(StreamTransports))]
    public async Task MovesThreeHundredKilobytesThroughEchoByteForByte(string transport)
    {
        await using var server = ServiceServers.Start("echo", transport, _dir);
        var data = new byte[300 * 1024];
        new Random(42).NextBytes(data); // every byte value, CR, LF and NUL included: no text decoding may touch it

        var run = await CliProcess.RunRawAsync(data, RunLimit, "connect", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("", run.Stderr);
        Assert.Equal(data.Length, run.Stdout.Length);
        Assert.True(data.AsSpan().SequenceEqual(run.Stdout), "the echo differs from what was sent");
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(DatagramTransports))]
    public async Task SendsEachLineAsADatagramAndPrintsTheReplies(string transport)
    {
        await using var server = ServiceServers.Start("echo", transport, _dir);

        var run = await CliProcess.RunRawAsync(
            "one\ntwo two\nlast without newline"u8.ToArray(), RunLimit, "connect", "--wait", "500ms", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("one\ntwo two\nlast without newline", run.Text);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ARefusedPortIsOneLineOnStderrAndExitOne()
    {
        var endpoint = $"tcp://127.0.0.1:{ClientTestPeers.FreePort()}";
        var run = await CliProcess.RunRawAsync([], RunLimit, "connect", endpoint);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"switchboard: cannot connect to {endpoint}: connection refused"], run.StderrLines);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AMissingUnixSocketIsOneLineAndExitOne()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "connect", "unix://" + _dir.File("none.sock"));

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"switchboard: cannot connect to unix://{_dir.File("none.sock")}: no socket at {_dir.File("none.sock")}"], run.StderrLines);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AConnectTimeoutIsOneLineAndExitOne()
    {
        var (listener, fillers) = await ClientTestPeers.FullBacklogAsync();
        try
        {
            var endpoint = Switchboard.Endpoints.EndpointUri.FromEndPoint(Switchboard.Endpoints.TransportKind.Tcp, listener.LocalEndPoint!);
            var run = await CliProcess.RunRawAsync([], RunLimit, "connect", "-w", "500ms", endpoint.ToString());

            Assert.Equal(1, run.ExitCode);
            Assert.Equal([$"switchboard: cannot connect to {endpoint}: timed out after 500 ms"], run.StderrLines);
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
            listener.Dispose();
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AnUnknownHostIsOneLineAndExitOne()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "connect", "tcp://no-such-host.invalid:7");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith("switchboard: cannot connect to tcp://no-such-host.invalid:7: host 'no-such-host.invalid' not found", line, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AUdpPortNobodyListensOnIsRefusedWithExitOne()
    {
        var endpoint = $"udp://127.0.0.1:{ClientTestPeers.FreePort(type: SocketType.Dgram)}";
        var run = await CliProcess.RunRawAsync("hello\n"u8.ToArray(), RunLimit, "connect", endpoint);

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.StderrLines);
        Assert.StartsWith($"switchboard: cannot connect to {endpoint}: connection refused", line, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("tcp://127.0.0.1")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("tcp://127.0.0.1:7 --no-such-flag")]
    [InlineData("tcp://127.0.0.1:7 --send-only --recv-only")]
    [InlineData("tcp://127.0.0.1:7 -4 -6")]
    [InlineData("tcp://127.0.0.1:7 -w soon")]
    [InlineData("tcp://127.0.0.1:7 --source nowhere")]
    public async Task BadUsageIsOneLineAndExitTwo(string arguments)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, ["connect", .. arguments.Split(' ')]);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("switchboard: ", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task FourAndSixChooseTheFamilyOfTheAddress()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);

        var run = await CliProcess.RunRawAsync("x"u8.ToArray(), RunLimit, "connect", "-6", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("127.0.0.1 is not an IPv6 address", run.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheSourceOptionBindsTheLocalPort()
    {
        string? seen = null;
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            seen = connection.RemoteText;
            await connection.Output.WriteAsync("hi\n"u8.ToArray(), ct);
        });
        await using var server = ServiceServers.Start(peer, "tcp", _dir);
        var port = ClientTestPeers.FreePort();

        var run = await CliProcess.RunRawAsync([], RunLimit, "connect", "--source", $"127.0.0.1:{port}", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"127.0.0.1:{port}", seen);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TalksToTheTimestampServiceLineByLine()
    {
        await using var server = ServiceServers.Start("timestamp", "tcp", _dir);

        var run = await CliProcess.RunRawAsync("hello\nworld\n"u8.ToArray(), RunLimit, "connect", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        var lines = run.Text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\[.+\]: hello$", lines[0]);
        Assert.Matches(@"^\[.+\]: world$", lines[1]);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DatagramPerChunkSendsOneDatagramForSeveralLines()
    {
        var sizes = new ScriptedPeer(datagram: async (d, ct) => await d.ReplyAsync(Encoding.ASCII.GetBytes($"{d.Payload.Length}\n"), ct));
        await using var server = ServiceServers.Start(sizes, "udp", _dir);
        var endpoint = server.Listeners[0].Endpoint.ToString();

        var perLine = await CliProcess.RunRawAsync("ab\ncd\n"u8.ToArray(), RunLimit, "connect", "--wait", "500ms", endpoint);
        var perChunk = await CliProcess.RunRawAsync("ab\ncd\n"u8.ToArray(), RunLimit, "connect", "--wait", "500ms", "--datagram-per-chunk", endpoint);

        Assert.Equal("3\n3\n", perLine.Text);
        Assert.Equal("6\n", perChunk.Text);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task EndsWithZeroWhenTheReaderOfItsOutputGoesAway()
    {
        await using var server = ServiceServers.Start("chargen", "tcp", _dir); // sends for ever
        await using var shell = ExternalTool.Start(
            "bash",
            "-c",
            "dotnet \"$0\" connect \"$1\" --recv-only | head -c 1000 >/dev/null; echo \"${PIPESTATUS[0]}\"",
            CliProcess.ToolPath,
            server.Listeners[0].Endpoint.ToString());

        var (code, stdout, stderr) = await shell.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(0, code);
        Assert.Equal("0\n", Encoding.ASCII.GetString(stdout));
        Assert.Equal("", stderr);
    }
}
