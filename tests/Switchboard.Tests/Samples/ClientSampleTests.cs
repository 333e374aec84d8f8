using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>MySocket, the Unix pair, socket options and the half-close exchange.</summary>
public sealed class ClientSampleTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task MySocketGetsEveryFixedLengthMessageBackWholeFromOurEchoServer()
    {
        await using var echo = TestServer.Start(new EchoService(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = echo.Listeners[0].Endpoint;

        var (code, output, error) = await SampleProcess.RunAsync("Samples.MySocket", "", endpoint.Host!, endpoint.Port.ToString(), "alpha", "beta", "gamma");
        Assert.True(code == 0, error);
        Assert.Equal(
            ["sent 5 bytes padded to 32", "sent 4 bytes padded to 32", "sent 5 bytes padded to 32", "received alpha", "received beta", "received gamma"],
            output.Split('\n'));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUnixClientGetsItsMessageBackFromTheUnixServerWhichRemovesItsFile()
    {
        var path = _dir.File("echo.sock");
        var (server, address) = await SampleProcess.StartServerAsync("Samples.UnixServer", path);
        await using var _ = server;
        Assert.Equal(path, address);

        var (code, output, error) = await SampleProcess.RunAsync("Samples.UnixClient", "", path, "over a file path");
        Assert.True(code == 0, error);
        Assert.Equal("received over a file path", output);
        Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUnixServerRefusesAPathThatExists()
    {
        var path = _dir.File("taken");
        await File.WriteAllTextAsync(path, "not a socket", TestContext.Current.CancellationToken);
        var (code, _, error) = await SampleProcess.RunAsync("Samples.UnixServer", "", path);
        Assert.Equal(1, code);
        Assert.Contains("exists", error);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task SocketOptionsReadsTheSendBufferAndRebindsAPortInTimeWait()
    {
        var (code, output, error) = await SampleProcess.RunAsync("Samples.SocketOptions", "");
        Assert.True(code == 0, error);
        var lines = output.Split('\n');
        Assert.Matches(@"^SO_SNDBUF = [1-9]\d*$", lines[0]);
        var port = System.Text.RegularExpressions.Regex.Match(lines[1], @"^port (\d+) now has a connection in TIME_WAIT$").Groups[1].Value;
        Assert.NotEmpty(port);
        Assert.Equal("SO_REUSEADDR = 1", lines[2]);
        Assert.Equal($"listening again on tcp://127.0.0.1:{port}", lines[3]);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheShutdownExchangeHalfClosesAndStillReadsTheWholeReply()
    {
        // Our echo server answers until it sees the half-close, then closes: the reply is the request.
        await using var echo = TestServer.Start(new EchoService(), ConcurrencyModel.Threads, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = echo.Listeners[0].Endpoint;
        var request = "GET / HTTP/1.0 " + new string('x', 100_000);
        var (code, output, error) = await SampleProcess.RunAsync("Samples.ShutdownExchange", "", endpoint.Host!, endpoint.Port.ToString(), request);
        Assert.True(code == 0, error);
        Assert.Equal(request, output);
    }
}
