using System.Text.RegularExpressions;
using Switchboard.Cli.Commands;
using Switchboard.Endpoints;
using Switchboard.Hosting;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Interop;

/// <summary>Real Debian peers — <c>nc</c> (netcat-openbsd) and <c>socat</c> — talk to our servers.</summary>
public sealed partial class DebianPeerTests : IDisposable
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task NetcatGetsItsLinesEchoedOverTcp(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint;
        var (code, stdout, stderr) = await PeerProcess.RunAsync("nc", ["-N", endpoint.Host!, Port(endpoint)], "one\ntwo\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal("one\ntwo\n", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NetcatGetsItsLinesEchoedOverUnix()
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Select, TestServer.Ephemeral(TransportKind.Unix, _dir));
        var (code, stdout, stderr) = await PeerProcess.RunAsync("nc", ["-N", "-U", server.Listeners[0].Endpoint.Path!], "over unix\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal("over unix\n", stdout);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Sequential)]
    public async Task NetcatGetsItsDatagramEchoedOverUdp(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Udp, _dir));
        var endpoint = server.Listeners[0].Endpoint;
        var (code, stdout, stderr) = await PeerProcess.RunAsync("nc", ["-u", "-w", "1", endpoint.Host!, Port(endpoint)], "datagram\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal("datagram\n", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NetcatGetsTimestampedLinesFromTheCliServer()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "timestamp", "--listen", "tcp://127.0.0.1:0", "--model", "threads");
        await using var _ = process;
        var (code, stdout, stderr) = await PeerProcess.RunAsync("nc", ["-N", "127.0.0.1", Port(endpoints[0])], "first\nsecond\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(TimestampLine() + "first$", lines[0]);
        Assert.Matches(TimestampLine() + "second$", lines[1]);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NetcatReadsTheDaytimeLine()
    {
        await using var server = TestServer.Start(ServiceCatalog.Create("daytime", new ServiceOptions())!.StreamHandler, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint;
        var (code, stdout, stderr) = await PeerProcess.RunAsync("nc", ["-N", endpoint.Host!, Port(endpoint)], "", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"^\w+, \w+ \d{1,2}, \d{4} \d\d:\d\d:\d\d-UTC\r\n$", stdout);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("tcp")]
    [InlineData("unix")]
    [InlineData("udp")]
    [InlineData("unixgram")]
    public async Task SocatGetsItsDataEchoedOnEveryTransport(string transport)
    {
        var kind = transport switch
        {
            "tcp" => TransportKind.Tcp,
            "unix" => TransportKind.Unix,
            "udp" => TransportKind.Udp,
            _ => TransportKind.UnixDatagram,
        };
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Threads, TestServer.Ephemeral(kind, _dir));
        var endpoint = server.Listeners[0].Endpoint;
        var address = transport switch
        {
            "tcp" => $"TCP:{endpoint.Host}:{endpoint.Port}",
            "unix" => $"UNIX-CONNECT:{endpoint.Path}",
            "udp" => $"UDP:{endpoint.Host}:{endpoint.Port}",
            _ => $"UNIX-SENDTO:{endpoint.Path},bind={_dir.File("socat-client.sock")}",
        };
        var (code, stdout, stderr) = await PeerProcess.RunAsync("socat", ["-t", "1", "-", address], $"socat over {transport}\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal($"socat over {transport}\n", stdout);
    }

    private static string Port(EndpointUri endpoint) => endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]: ")]
    private static partial Regex TimestampLine();
}
