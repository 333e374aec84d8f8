using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// Datagram listeners under the event-loop models (async, select): served in batches on Linux (recvmmsg, one
/// sendmmsg per batch) and one at a time when <see cref="TransportOptions.DatagramBatchSize"/> is 1, the path used
/// elsewhere. Many datagrams in flight, every reply checked; the reply guard on the batched path; large and
/// truncated datagrams.
/// </summary>
public sealed class DatagramBatchTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<ConcurrencyModel, string, int> EveryWay
    {
        get
        {
            var data = new TheoryData<ConcurrencyModel, string, int>();
            foreach (var model in new[] { ConcurrencyModel.Async, ConcurrencyModel.Select })
            {
                foreach (var transport in new[] { "udp", "udp6", "unixgram" })
                {
                    data.Add(model, transport, TransportOptions.DefaultDatagramBatchSize);
                    data.Add(model, transport, 1);
                }
            }

            return data;
        }
    }

    public static TheoryData<ConcurrencyModel, int> ModelsAndBatches => new()
    {
        { ConcurrencyModel.Async, TransportOptions.DefaultDatagramBatchSize },
        { ConcurrencyModel.Async, 1 },
        { ConcurrencyModel.Select, TransportOptions.DefaultDatagramBatchSize },
        { ConcurrencyModel.Select, 1 },
    };

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(EveryWay))]
    public async Task EveryDatagramOfManyInFlightComesBackWhole(ConcurrencyModel model, string transport, int batch)
    {
        await using var server = Start(model, transport, batch);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);

        // A Unix datagram peer's queue holds net.unix.max_dgram_qlen (10) datagrams: a window above it would have the
        // server drop replies (buffer_full) by design. UDP on loopback takes 64 at once easily.
        var window = transport == "unixgram" ? 8 : 64;
        var seen = new HashSet<int>();
        for (var round = 0; round < 20; round++)
        {
            for (var i = 0; i < window; i++)
            {
                await client.SendAsync(Message(round * window + i, 64 + i), SocketFlags.None, TestContext.Current.CancellationToken);
            }

            for (var i = 0; i < window; i++)
            {
                var reply = await client.ReceiveDatagramAsync(TestTimeouts.Io / 3);
                Assert.NotNull(reply);
                var sequence = BinaryPrimitives.ReadInt32LittleEndian(reply);
                Assert.Equal(Message(sequence, reply.Length), reply);
                Assert.True(seen.Add(sequence), $"reply {sequence} came twice");
            }
        }

        Assert.Equal(20 * window, seen.Count);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ModelsAndBatches))]
    public async Task TheRateLimitHoldsForDatagramsThatArriveInOneBatch(ConcurrencyModel model, int batch)
    {
        await using var server = Start(model, "udp", batch, o =>
        {
            o.DatagramReplyRate = 1;
            o.DatagramReplyBurst = 5;
            o.DatagramReplyLimitLoopback = true;
        });
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 0; i < 40; i++)
        {
            await client.SendAsync(Message(i, 32), SocketFlags.None, TestContext.Current.CancellationToken);
        }

        var replies = 0;
        while (await client.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(500)) is not null)
        {
            replies++;
        }

        // The burst, and at most one refilled token per second of the exchange (well under 3 s here).
        Assert.InRange(replies, 5, 8);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ModelsAndBatches))]
    public async Task NoReplyGoesToASenderOnTheServersOwnPort(ConcurrencyModel model, int batch)
    {
        await using var server = Start(model, "udp", batch);
        var port = server.Listeners[0].Endpoint.Port;

        // The same port on another loopback address: what a second server of ours (or a reflected copy) looks like.
        using var twin = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        twin.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port));
        twin.Connect(server.Listeners[0].Endpoint.ToEndPoint());
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 0; i < 10; i++)
        {
            await twin.SendAsync(Message(i, 16), SocketFlags.None, TestContext.Current.CancellationToken);
        }

        // The ordinary client after the twin's datagrams (likely the same batch) is answered; the twin never is.
        Assert.Equal(Message(99, 16), await client.RequestAsync(Message(99, 16)));
        Assert.Null(await twin.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(EveryWay))]
    public async Task TheLargestDatagramComesBackWhole(ConcurrencyModel model, string transport, int batch)
    {
        await using var server = Start(model, transport, batch);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        client.SendBufferSize = 256 * 1024;
        client.ReceiveBufferSize = 256 * 1024;

        // 65,507 is UDP over IPv4's largest payload (IPv6 allows 65,527; Unix datagrams more): 64 KiB less headers.
        var size = transport == "unixgram" ? 65_536 : 65_507;
        var message = Message(7, size);
        Assert.Equal(message, await client.RequestAsync(message));
        Assert.Equal(Message(8, 100), await client.RequestAsync(Message(8, 100)));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ModelsAndBatches))]
    public async Task ADatagramOverTheBufferIsDroppedAndTheNextIsServed(ConcurrencyModel model, int batch)
    {
        await using var server = Start(model, "unixgram", batch);
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        client.SendBufferSize = 512 * 1024;

        // Unix datagrams may exceed the 64 KiB receive buffer; such a one is cut by the kernel, so never echoed cut.
        await client.SendAsync(Message(1, 100_000), SocketFlags.None, TestContext.Current.CancellationToken);
        Assert.Equal(Message(2, 50), await client.RequestAsync(Message(2, 50)));
        Assert.Null(await client.ReceiveDatagramAsync(TimeSpan.FromMilliseconds(200)));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ModelsAndBatches))]
    public async Task AHandlerThatAwaitsStillAnswersEveryDatagramOfItsBatch(ConcurrencyModel model, int batch)
    {
        await using var server = Start(model, "udp", batch, handler: new YieldingEcho());
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        for (var i = 0; i < 32; i++)
        {
            await client.SendAsync(Message(i, 40), SocketFlags.None, TestContext.Current.CancellationToken);
        }

        var seen = new HashSet<int>();
        for (var i = 0; i < 32; i++)
        {
            var reply = await client.ReceiveDatagramAsync(TestTimeouts.Io / 3);
            Assert.NotNull(reply);
            Assert.Equal(Message(BinaryPrimitives.ReadInt32LittleEndian(reply), 40), reply);
            seen.Add(BinaryPrimitives.ReadInt32LittleEndian(reply));
        }

        Assert.Equal(32, seen.Count);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ABatchSizeOutOfRangeIsRefusedByName()
    {
        var options = new ServerOptions { Transport = { DatagramBatchSize = 0 } };
        var error = Assert.Throws<Switchboard.Options.OptionOutOfRangeException>(options.Validate);
        Assert.Contains("Transport.DatagramBatchSize", error.Message);
    }

    private Server Start(ConcurrencyModel model, string transport, int batch, Action<ServerOptions>? configure = null, object? handler = null)
    {
        var endpoint = transport switch
        {
            "udp" => TestServer.Ephemeral(TransportKind.Udp, _dir),
            "udp6" => TestServer.Ephemeral(TransportKind.Udp, _dir, ipv6: true),
            _ => TestServer.Ephemeral(TransportKind.UnixDatagram, _dir),
        };
        return TestServer.Start(handler ?? new EchoService(), model, endpoint, o =>
        {
            o.DatagramReplyRate = 0;
            o.Transport.DatagramBatchSize = batch;
            o.Transport.ReceiveBufferSize = 1024 * 1024;
            o.Transport.SendBufferSize = 1024 * 1024;
            configure?.Invoke(o);
        });
    }

    /// <summary>A sequence number, then a pattern that depends on it, so a reply proves which request it answers.</summary>
    private static byte[] Message(int sequence, int size)
    {
        var bytes = new byte[Math.Max(size, 4)];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, sequence);
        for (var i = 4; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(sequence * 31 + i);
        }

        return bytes;
    }

    /// <summary>Echoes after a real await (a yield): the batch's replies so far must leave first, the rest after.</summary>
    private sealed class YieldingEcho : IDatagramHandler
    {
        public async ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
        {
            await Task.Yield();
            await datagram.ReplyAsync(datagram.Payload, cancellationToken);
        }
    }
}
