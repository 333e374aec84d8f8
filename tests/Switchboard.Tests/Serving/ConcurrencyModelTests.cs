using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Serving;

/// <summary>What each concurrency model promises: big transfers in odd pieces, concurrency, or one at a time.</summary>
public sealed class ConcurrencyModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<ConcurrencyModel, string> EveryModelAndStreamTransport
    {
        get
        {
            var data = new TheoryData<ConcurrencyModel, string>();
            foreach (var model in Enum.GetValues<ConcurrencyModel>())
            {
                foreach (var transport in new[] { "tcp", "tcp6", "unix" })
                {
                    data.Add(model, transport);
                }
            }

            return data;
        }
    }

    public static TheoryData<ConcurrencyModel> ConcurrentModels => [ConcurrencyModel.Async, ConcurrencyModel.Threads, ConcurrencyModel.Select];

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(EveryModelAndStreamTransport))]
    public async Task EchoReturns64KiBWrittenInUnevenChunksAndReadInSmallOnes(ConcurrencyModel model, string transport)
    {
        await using var server = TestServer.Start(new EchoService(), model, Endpoint(transport));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var data = new byte[64 * 1024];
        new Random(42).NextBytes(data);

        var reading = ReadInSmallPiecesAsync(client, data.Length);
        int[] chunkSizes = [1, 7, 1000, 3, 4096, 33, 1500, 17_000, 2];
        var sent = 0;
        for (var i = 0; sent < data.Length; i++)
        {
            var size = Math.Min(chunkSizes[i % chunkSizes.Length], data.Length - sent);
            await client.SendAllAsync(data.AsMemory(sent, size));
            sent += size;
            if (i % 3 == 0)
            {
                await Task.Delay(1, TestContext.Current.CancellationToken); // let some pieces arrive on their own
            }
        }

        Assert.Equal(data, await reading);
        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ConcurrentModels))]
    public async Task TwentyClientsAreServedAtOnce(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new EchoService(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var clients = new List<Socket>();
        try
        {
            for (var i = 0; i < 20; i++)
            {
                clients.Add(await TestClient.ConnectAsync(server.Listeners[0].Endpoint));
            }

            // Every client speaks while all twenty are open: a server that served them one by one would answer
            // only the first until it left.
            for (var i = 0; i < clients.Count; i++)
            {
                await clients[i].SendAllAsync(Encoding.ASCII.GetBytes($"client {i:D2}\n"));
            }

            var replies = await Task.WhenAll(clients.Select(c => c.ReadExactlyAsync("client 00\n".Length)));
            for (var i = 0; i < clients.Count; i++)
            {
                Assert.Equal($"client {i:D2}\n", Encoding.ASCII.GetString(replies[i]));
            }

            Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 20));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task SequentialServesOneConnectionAtATime(string transport)
    {
        await using var server = TestServer.Start(new EchoService(), ConcurrencyModel.Sequential, Endpoint(transport));
        var endpoint = server.Listeners[0].Endpoint;
        using var first = await TestClient.ConnectAsync(endpoint);
        await first.SendAllAsync("first"u8.ToArray());
        Assert.Equal("first"u8.ToArray(), await first.ReadExactlyAsync(5));

        using var second = await TestClient.ConnectAsync(endpoint); // the kernel completes the handshake (backlog)
        await second.SendAllAsync("second"u8.ToArray());
        Assert.False(second.HasInputWithin(TimeSpan.FromMilliseconds(700)), "the second client was answered while the first was connected");

        await first.SendAllAsync("again"u8.ToArray());
        Assert.Equal("again"u8.ToArray(), await first.ReadExactlyAsync(5));
        first.Shutdown(SocketShutdown.Send);
        Assert.Empty(await first.ReadToEndAsync());

        Assert.Equal("second"u8.ToArray(), await second.ReadExactlyAsync(6));
    }

    private EndpointUri Endpoint(string transport) => transport switch
    {
        "tcp" => TestServer.Ephemeral(TransportKind.Tcp, _dir),
        "tcp6" => TestServer.Ephemeral(TransportKind.Tcp, _dir, ipv6: true),
        _ => TestServer.Ephemeral(TransportKind.Unix, _dir),
    };

    private static async Task<byte[]> ReadInSmallPiecesAsync(Socket client, int count)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var received = new byte[count];
        var got = 0;
        var piece = 1;
        while (got < count)
        {
            piece = piece % 97 + 13; // 14, 27, … small and uneven
            var n = await client.ReceiveAsync(received.AsMemory(got, Math.Min(piece, count - got)), SocketFlags.None, timeout.Token);
            Assert.True(n > 0, $"the server closed after {got} of {count} bytes");
            got += n;
        }

        return received;
    }
}
