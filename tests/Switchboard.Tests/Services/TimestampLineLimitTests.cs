using System.Text;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Services;

/// <summary>The timestamp service's line limit is the framer's: <c>MaxLine</c> bytes, the newline included.</summary>
public sealed class TimestampLineLimitTests : IDisposable
{
    private const int MaxLine = 16;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ALineOfExactlyMaxLineBytesWithItsNewlineIsAnswered()
    {
        await using var server = Start();
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var line = new string('a', MaxLine - 1) + "\n";
        await client.SendAllAsync(Encoding.ASCII.GetBytes(line));
        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        var reply = Encoding.ASCII.GetString(await client.ReadToEndAsync());
        Assert.EndsWith("]: " + line, reply, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APartialLineThatFillsMaxLineIsRefusedAtOnceNotAnsweredAtTheFlush()
    {
        // The newline would make it MaxLine + 1 bytes, so it can never be a line: no reason to wait for the flush.
        await using var server = Start();
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync(Encoding.ASCII.GetBytes(new string('a', MaxLine)));
        var expected = $"error: line longer than {MaxLine} bytes; closing\r\n";
        var reply = Encoding.ASCII.GetString(await client.ReadExactlyAsync(expected.Length));
        Assert.Equal(expected, reply);
    }

    private Server Start() => TestServer.Start(
        new TimestampService(new ServiceOptions { MaxLine = MaxLine, LineFlush = TimeSpan.FromMinutes(5) }),
        ConcurrencyModel.Async,
        TestServer.Ephemeral(TransportKind.Tcp, _dir));
}
