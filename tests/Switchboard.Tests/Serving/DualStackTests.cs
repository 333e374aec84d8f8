using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary><c>[::]</c> listens dual-stack, and IPv4 peers arriving on it are logged as plain IPv4.</summary>
public sealed class DualStackTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnIpv4PeerOnADualStackListenerIsServedAndLoggedAsPlainIpv4()
    {
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new FakeLoggerProvider(logs)));
        var options = new ServerOptions();
        options.Listen.Add(EndpointUri.Parse("tcp://[::]:0"));
        await using var server = new Server(options, new EchoService(), null, loggerFactory);
        server.Start();
        Assert.StartsWith("tcp://[::]:", server.Listeners[0].Endpoint.ToString(), StringComparison.Ordinal);

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Listeners[0].Endpoint.Port), TestContext.Current.CancellationToken);
        await client.SendAllAsync("v4"u8.ToArray());
        Assert.Equal("v4"u8.ToArray(), await client.ReadExactlyAsync(2));

        var peer = client.LocalEndPoint!.ToString()!; // 127.0.0.1:PORT
        Assert.True(await Eventually.TrueAsync(() => logs.GetSnapshot().Any(r => r.Message.Contains($"from {peer} ", StringComparison.Ordinal))), string.Join('\n', logs.GetSnapshot().Select(r => r.Message)));
        Assert.DoesNotContain(logs.GetSnapshot(), r => r.Message.Contains("::ffff:", StringComparison.Ordinal));
    }
}
