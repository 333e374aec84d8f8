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

    private static ExecOptions Direct(ExecOptions options)
    {
        options.Mode = ExecMode.Direct;
        return options;
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task CatEchoes64KiBByteForByteOnTheSocketItself(ConcurrencyModel model)
    {
        await using var rig = await ExecRig.StartAsync(Direct(new ExecOptions { Program = "cat" }), model: model);
        var data = ExecTestPeer.RandomBytes(64 * 1024);

        var back = await rig.ExchangeAsync(data);

        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AScriptAnswersAfterEndOfStreamOverAUnixSocket()
    {
        using var dir = new TempDirectory();
        await using var rig = await ExecRig.StartAsync(Direct(ExecOptions.Shell("n=$(wc -c); echo \"got $n bytes from $PROTO\"")), model: ConcurrencyModel.Threads, endpoint: TestServer.Ephemeral(TransportKind.Unix, dir));

        var back = await rig.ExchangeAsync(Encoding.ASCII.GetBytes("twelve bytes"));

        Assert.Equal("got 12 bytes from UNIX\n", Encoding.ASCII.GetString(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheEnvironmentNamesThePeerInDirectModeToo()
    {
        await using var rig = await ExecRig.StartAsync(Direct(ExecOptions.Shell("echo \"$TCPREMOTEIP $TCPREMOTEPORT $LOCAL_PORT\"")));
        var client = (IPEndPoint)rig.Socket.LocalEndPoint!;

        var back = await rig.ExchangeAsync([]);

        Assert.Equal($"127.0.0.1 {client.Port} {ExecTestPeer.Tcp(rig.Server).Port}\n", Encoding.ASCII.GetString(back));
    }
}
