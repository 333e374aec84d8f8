using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>The life of a Unix socket file: created at start, removed at stop, and never someone else's taken.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class UnixSocketFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheSocketFileIsRemovedWhenTheServerStops()
    {
        var path = _dir.File("stop.sock");
        var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, EndpointUri.Parse("unix://" + path));
        Assert.True(File.Exists(path));
        await server.DisposeAsync();
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheDatagramSocketFileIsRemovedWhenTheServerStops()
    {
        var path = _dir.File("stop-dgram.sock");
        var server = TestServer.Start(new EchoService(), ConcurrencyModel.Select, EndpointUri.Parse("unixgram://" + path));
        Assert.True(File.Exists(path));
        await server.DisposeAsync();
        Assert.False(File.Exists(path));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStaleSocketFileLeftByADeadServerIsReplaced()
    {
        var path = _dir.File("stale.sock");
        // A server that died: python3 binds, listens and exits without unlinking (.NET would unlink on dispose).
        using (var dead = Process.Start("python3", ["-c", "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen()", path])!)
        {
            await dead.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, dead.ExitCode);
        }

        Assert.True(File.Exists(path), "the dead server left its socket file behind");
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, EndpointUri.Parse("unix://" + path));
        await AssertEchoesAsync(server.Listeners[0].Endpoint);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStaleDatagramSocketFileIsReplaced()
    {
        var path = _dir.File("stale-dgram.sock");
        using (var dead = Process.Start("python3", ["-c", "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1])", path])!)
        {
            await dead.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.Equal(0, dead.ExitCode);
        }

        Assert.True(File.Exists(path), "the dead server left its socket file behind");
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Threads, EndpointUri.Parse("unixgram://" + path));
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        Assert.Equal("fresh"u8.ToArray(), await client.RequestAsync("fresh"u8.ToArray()));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APathHeldByALiveServerIsAnErrorAndTheLiveServerGoesOn()
    {
        var endpoint = EndpointUri.Parse("unix://" + _dir.File("live.sock"));
        await using var live = TestServer.Start(new EchoService(), ConcurrencyModel.Async, endpoint);
        var error = Assert.Throws<ListenerBindException>(() => TestServer.Start(new EchoService(), ConcurrencyModel.Async, endpoint));
        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("a live server is already listening", error.Message, StringComparison.Ordinal);
        await AssertEchoesAsync(endpoint);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ARegularFileAtThePathIsAnErrorAndIsLeftUntouched()
    {
        var path = _dir.File("precious.sock");
        File.WriteAllText(path, "not a socket");
        var error = Assert.Throws<ListenerBindException>(() => TestServer.Start(new EchoService(), ConcurrencyModel.Async, EndpointUri.Parse("unix://" + path)));
        Assert.Contains("is not a socket", error.Message, StringComparison.Ordinal);
        Assert.Equal("not a socket", File.ReadAllText(path));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("unix")]
    [InlineData("unixgram")]
    public async Task ARegularFilePutInPlaceOfTheSocketSurvivesTheStop(string scheme)
    {
        var path = _dir.File("replaced-" + scheme + ".sock");
        var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, EndpointUri.Parse(scheme + "://" + path));
        File.Delete(path);
        File.WriteAllText(path, "someone else's file");

        await server.DisposeAsync();

        Assert.True(File.Exists(path), "stopping deleted a file that was not the server's socket");
        Assert.Equal("someone else's file", File.ReadAllText(path));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task ANewerServerOnThePathStaysReachableWhenTheOldOneStops(ConcurrencyModel model)
    {
        var endpoint = EndpointUri.Parse("unix://" + _dir.File("handover-" + model + ".sock"));
        var old = TestServer.Start(new EchoService(), model, endpoint);
        File.Delete(endpoint.Path!); // how a newer server takes over a path a live one holds
        await using var newer = TestServer.Start(new EchoService(), model, endpoint);

        await old.DisposeAsync();

        Assert.True(File.Exists(endpoint.Path!), "the old server deleted the newer server's socket file");
        await AssertEchoesAsync(endpoint);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task UnixModeSetsTheFilePermissions()
    {
        var path = _dir.File("mode.sock");
        await using var server = TestServer.Start(
            new EchoService(),
            ConcurrencyModel.Async,
            EndpointUri.Parse("unix://" + path),
            o => o.Transport.UnixSocketMode = UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task AnAbstractNameServesStreamsAndLeavesNoFile(ConcurrencyModel model)
    {
        var name = "@switchboard-test-" + Guid.NewGuid().ToString("N")[..12];
        await using var server = TestServer.Start(new EchoService(), model, EndpointUri.Parse("unix://" + name));
        Assert.Equal("unix://" + name, server.Listeners[0].Endpoint.ToString());
        await AssertEchoesAsync(server.Listeners[0].Endpoint);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnAbstractNameServesDatagrams()
    {
        var name = "@switchboard-dgram-" + Guid.NewGuid().ToString("N")[..12];
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Async, EndpointUri.Parse("unixgram://" + name));
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        Assert.Equal("ping"u8.ToArray(), await client.RequestAsync("ping"u8.ToArray()));
    }

    private static async Task AssertEchoesAsync(EndpointUri endpoint)
    {
        using var client = await TestClient.ConnectAsync(endpoint);
        await client.SendAllAsync(Encoding.ASCII.GetBytes("still here"));
        client.Shutdown(SocketShutdown.Send);
        Assert.Equal("still here", Encoding.ASCII.GetString(await client.ReadToEndAsync()));
    }
}
