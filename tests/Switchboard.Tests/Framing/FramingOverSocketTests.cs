using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Framing;

/// <summary>A framed echo server on real loopback sockets, under every concurrency model.</summary>
public sealed class FramingOverSocketTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public static TheoryData<ConcurrencyModel, string> ModelsAndTransports
    {
        get
        {
            var data = new TheoryData<ConcurrencyModel, string>();
            foreach (var model in Enum.GetValues<ConcurrencyModel>())
            {
                data.Add(model, "tcp");
                data.Add(model, "unix");
            }

            return data;
        }
    }

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ModelsAndTransports))]
    public async Task LengthPrefixedMessagesComeBackWholeWhateverTheSegmentation(ConcurrencyModel model, string transport)
    {
        var kind = transport == "tcp" ? TransportKind.Tcp : TransportKind.Unix;
        await using var server = TestServer.Start(new LengthPrefixedEchoHandler(), model, TestServer.Ephemeral(kind, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);

        byte[][] messages = [[], "hello"u8.ToArray(), [.. Enumerable.Range(0, 150_000).Select(i => (byte)(i * 7))]];
        var wire = messages.SelectMany(Frame).ToArray();
        for (var sent = 0; sent < wire.Length;)
        {
            // Odd chunk sizes so prefixes and payloads straddle the server's reads.
            var size = Math.Min(sent % 3 == 0 ? 3 : 7919, wire.Length - sent);
            await client.SendAllAsync(wire.AsMemory(sent, size));
            sent += size;
        }

        foreach (var message in messages)
        {
            var prefix = await client.ReadExactlyAsync(4);
            Assert.Equal(message.Length, BinaryPrimitives.ReadInt32BigEndian(prefix));
            Assert.Equal(message, message.Length == 0 ? [] : await client.ReadExactlyAsync(message.Length));
        }

        client.Shutdown(SocketShutdown.Send);
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task ALyingPrefixClosesThatConnectionAndTheServerKeepsServing(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new LengthPrefixedEchoHandler(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using (var liar = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            await liar.SendAllAsync(new byte[] { 0x7f, 0xff, 0xff, 0xff, 1, 2, 3 });
            // The handler's FrameTooLargeException ends the connection as an error: an abort, so a reset, no reply.
            var reset = await Assert.ThrowsAsync<SocketException>(() => liar.ReadToEndAsync());
            Assert.Equal(SocketError.ConnectionReset, reset.SocketErrorCode);
        }

        using var honest = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await honest.SendAllAsync(Frame("still here"u8.ToArray()));
        Assert.Equal(Frame("still here"u8.ToArray()), await honest.ReadExactlyAsync(14));
    }

    private static byte[] Frame(byte[] payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame, 4);
        return frame;
    }
}
