using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Client;

public sealed class SocketClientTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> StreamTransports => ["tcp", "tcp6", "unix"];

    public static TheoryData<string> DatagramTransports => ["udp", "udp6", "unixgram"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(StreamTransports))]
    public async Task AStreamConnectionSendsHalfClosesAndStillReadsTheWholeReply(string transport)
    {
        await using var server = StartEcho(transport);
        await using var connection = await SocketClient.ConnectAsync(server.Listeners[0].Endpoint, cancellationToken: Ct);
        var message = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 7)).ToArray();

        var reading = ReadToEndAsync(connection.Input);
        await connection.Output.WriteAsync(message, Ct);
        await connection.ShutdownOutputAsync(Ct);

        Assert.Equal(message, await reading);
        Assert.True(connection.PeerClosedInput);
        Assert.Equal(message.Length, connection.BytesSent);
        Assert.Equal(message.Length, connection.BytesReceived);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(DatagramTransports))]
    public async Task ADatagramClientGetsEachReplyBack(string transport)
    {
        await using var server = StartEcho(transport);
        using var client = await SocketClient.OpenDatagramAsync(server.Listeners[0].Endpoint, cancellationToken: Ct);
        var buffer = new byte[DatagramClient.MaxUdpPayload];
        foreach (var text in new[] { "one", "two two", new string('x', 1400) })
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(text), Ct);
            var n = await client.ReceiveAsync(buffer, TestTimeouts.Io, Ct);
            Assert.NotNull(n);
            Assert.Equal(text, Encoding.ASCII.GetString(buffer, 0, n.Value));
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AUnixDatagramClientBindsItsOwnPathAndRemovesItOnDispose()
    {
        await using var server = StartEcho("unixgram");
        var client = await SocketClient.OpenDatagramAsync(server.Listeners[0].Endpoint, cancellationToken: Ct);
        var own = EndpointText.Format(client.LocalEndPoint);
        Assert.StartsWith("/", own);
        Assert.True(File.Exists(own));

        client.Dispose();

        Assert.False(File.Exists(own));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ReceiveWithATimeoutReturnsNullWhenNothingComes()
    {
        await using var server = StartService("discard", "udp");
        using var client = await SocketClient.OpenDatagramAsync(server.Listeners[0].Endpoint, cancellationToken: Ct);
        await client.SendAsync("anyone?"u8.ToArray(), Ct);
        Assert.Null(await client.ReceiveAsync(new byte[100], TimeSpan.FromMilliseconds(200), Ct));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AClosedTcpPortIsRefusedAndTheMessageNamesTheEndpoint()
    {
        var endpoint = EndpointUri.Parse($"tcp://127.0.0.1:{ClientTestPeers.FreePort()}");
        var e = await Assert.ThrowsAsync<ConnectionRefusedException>(() => SocketClient.ConnectAsync(endpoint, cancellationToken: Ct));
        Assert.Equal(endpoint, e.Endpoint);
        Assert.Equal($"cannot connect to {endpoint}: connection refused", e.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AMissingUnixSocketIsRefusedNamingThePath()
    {
        var endpoint = EndpointUri.Parse("unix://" + _dir.File("nobody.sock"));
        var e = await Assert.ThrowsAsync<ConnectionRefusedException>(() => SocketClient.ConnectAsync(endpoint, cancellationToken: Ct));
        Assert.Contains(_dir.File("nobody.sock"), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AMissingUnixDatagramSocketIsRefusedAndLeavesNoFileBehind()
    {
        var endpoint = EndpointUri.Parse("unixgram://" + _dir.File("nobody.sock"));
        var before = Directory.GetFiles(Path.GetTempPath(), $"switchboard-{Environment.ProcessId}-*").Length;
        await Assert.ThrowsAsync<ConnectionRefusedException>(() => SocketClient.OpenDatagramAsync(endpoint, cancellationToken: Ct));
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), $"switchboard-{Environment.ProcessId}-*").Length);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AUdpDatagramToAClosedPortEndsInRefused()
    {
        var endpoint = EndpointUri.Parse($"udp://127.0.0.1:{ClientTestPeers.FreePort(type: SocketType.Dgram)}");
        using var client = await SocketClient.OpenDatagramAsync(endpoint, cancellationToken: Ct);
        var e = await Assert.ThrowsAsync<ConnectionRefusedException>(async () =>
        {
            // The ICMP "port unreachable" for the first datagram fails a later call on the connected socket.
            for (var i = 0; i < 50; i++)
            {
                await client.SendAsync("x"u8.ToArray(), Ct);
                await client.ReceiveAsync(new byte[16], TimeSpan.FromMilliseconds(100), Ct);
            }
        });
        Assert.Contains(endpoint.ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AListenerThatNeverAnswersTimesOut()
    {
        var (listener, fillers) = await ClientTestPeers.FullBacklogAsync();
        try
        {
            var endpoint = EndpointUri.FromEndPoint(TransportKind.Tcp, listener.LocalEndPoint!);
            var started = DateTime.UtcNow;
            var e = await Assert.ThrowsAsync<ConnectTimedOutException>(() =>
                SocketClient.ConnectAsync(endpoint, new ClientOptions { ConnectTimeout = TimeSpan.FromMilliseconds(500) }, Ct));
            Assert.Equal($"cannot connect to {endpoint}: timed out after 500 ms", e.Message);
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(450));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
            listener.Dispose();
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnUnknownHostIsNotFound()
    {
        var endpoint = EndpointUri.Parse("tcp://no-such-host.invalid:7");
        var e = await Assert.ThrowsAsync<HostNotFoundException>(() => SocketClient.ConnectAsync(endpoint, cancellationToken: Ct));
        Assert.StartsWith($"cannot connect to {endpoint}: host 'no-such-host.invalid' not found", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnAddressOfTheWrongFamilyIsRefusedBeforeAnyPacket()
    {
        var endpoint = EndpointUri.Parse("tcp://[::1]:7");
        var options = new ClientOptions { AddressFamily = AddressFamily.InterNetwork };
        var e = await Assert.ThrowsAsync<HostNotFoundException>(() => SocketClient.ConnectAsync(endpoint, options, Ct));
        Assert.Contains("not an IPv4 address", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EachAddressIsTriedInTurnUntilOneConnects()
    {
        await using var server = StartEcho("tcp");
        var live = (IPEndPoint)server.Listeners[0].Endpoint.ToEndPoint();
        var refused = new IPEndPoint(IPAddress.IPv6Loopback, ClientTestPeers.FreePort(AddressFamily.InterNetworkV6));
        var endpoint = EndpointUri.Parse($"tcp://localhost:{live.Port}");

        await using var connection = await SocketClient.ConnectAnyAsync(endpoint, [refused, live], new ClientOptions(), Ct);

        Assert.Equal(live, connection.RemoteEndPoint);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task WhenEveryAddressFailsTheMessageListsThemAll()
    {
        var first = new IPEndPoint(IPAddress.IPv6Loopback, ClientTestPeers.FreePort(AddressFamily.InterNetworkV6));
        var second = new IPEndPoint(IPAddress.Loopback, ClientTestPeers.FreePort());
        var endpoint = EndpointUri.Parse("tcp://localhost:1");

        var e = await Assert.ThrowsAsync<ConnectionRefusedException>(() =>
            SocketClient.ConnectAnyAsync(endpoint, [first, second], new ClientOptions(), Ct));

        Assert.EndsWith($"connection refused (tried [::1]:{first.Port}, 127.0.0.1:{second.Port})", e.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheSourceAddressIsBoundBeforeConnecting()
    {
        await using var server = StartEcho("tcp");
        var source = new IPEndPoint(IPAddress.Loopback, ClientTestPeers.FreePort());
        await using var connection = await SocketClient.ConnectAsync(
            server.Listeners[0].Endpoint, new ClientOptions { LocalEndPoint = source }, Ct);
        Assert.Equal(source, connection.LocalEndPoint);
    }

    private Server StartEcho(string transport) => ServiceServers.Start("echo", transport, _dir);

    private Server StartService(string service, string transport) => ServiceServers.Start(service, transport, _dir);

    private static async Task<byte[]> ReadToEndAsync(PipeReader input)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await input.ReadAsync();
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
