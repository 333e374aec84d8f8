using System.Net;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>Direct mode: the accepted socket itself is the child's stdin and stdout, as inetd hands it over.</summary>
[Collection(ExecTestGroup.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ExecDirectTests
{
    public static TheoryData<ConcurrencyModel> Models => TestServer.AllModels;

    private static ExecService Direct(ExecOptions options)
    {
        options.Mode = ExecMode.Direct;
        return new ExecService(options);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task CatEchoes64KiBByteForByteOnTheSocketItself(ConcurrencyModel model)
    {
        using var service = Direct(new ExecOptions { Program = "cat" });
        await using var server = TestServer.Start(service, model, EndpointUri.Parse("tcp://127.0.0.1:0"));
        using var socket = await ExecTestPeer.ConnectAsync(server);
        var data = ExecTestPeer.RandomBytes(64 * 1024);

        var back = await ExecTestPeer.ExchangeAsync(socket, data);

        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AScriptAnswersAfterEndOfStreamOverAUnixSocket()
    {
        using var dir = new TempDirectory();
        using var service = Direct(ExecOptions.Shell("n=$(wc -c); echo \"got $n bytes from $PROTO\""));
        await using var server = TestServer.Start(service, ConcurrencyModel.Threads, TestServer.Ephemeral(TransportKind.Unix, dir));
        using var socket = await ExecTestPeer.ConnectAsync(server);

        var back = await ExecTestPeer.ExchangeAsync(socket, Encoding.ASCII.GetBytes("twelve bytes"));

        Assert.Equal("got 12 bytes from UNIX\n", Encoding.ASCII.GetString(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheEnvironmentNamesThePeerInDirectModeToo()
    {
        using var service = Direct(ExecOptions.Shell("echo \"$TCPREMOTEIP $TCPREMOTEPORT $LOCAL_PORT\""));
        await using var server = TestServer.Start(service, ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"));
        using var socket = await ExecTestPeer.ConnectAsync(server);
        var client = (IPEndPoint)socket.LocalEndPoint!;

        var back = await ExecTestPeer.ExchangeAsync(socket, []);

        Assert.Equal($"127.0.0.1 {client.Port} {ExecTestPeer.Tcp(server).Port}\n", Encoding.ASCII.GetString(back));
    }
}
