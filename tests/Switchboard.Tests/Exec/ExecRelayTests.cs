using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>A process per connection in relay mode, with real programs (cat, sh, python3) under every model.</summary>
public sealed class ExecRelayTests
{
    public static TheoryData<ConcurrencyModel> Models => TestServer.AllModels;

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task CatEchoes64KiBByteForByte(ConcurrencyModel model)
    {
        using var service = new ExecService(new ExecOptions { Program = "cat" });
        await using var server = TestServer.Start(service, model, EndpointUri.Parse("tcp://127.0.0.1:0"));
        using var socket = await ExecTestPeer.ConnectAsync(server);
        var data = ExecTestPeer.RandomBytes(64 * 1024);

        var back = await ExecTestPeer.ExchangeAsync(socket, data);

        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back));
    }
}
