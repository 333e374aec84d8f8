using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary>
/// The connection's reader keeps its own chain of pooled segments: bytes kept back by the handler stay in order
/// across receives and segments, a consumed buffer goes back to the pool (an idle connection holds none), and a
/// canceled read returns at once.
/// </summary>
public sealed class ConnectionPipeReaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task BytesKeptBackByTheHandlerStayInOrderAcrossSegments(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new KeepBackHalfEcho(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint.ToEndPoint();
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(endpoint, TestContext.Current.CancellationToken);

        // 300 KiB in uneven chunks: receives grow, fill, fall back; the handler keeps half of each buffer back.
        var payload = new byte[300 * 1024];
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)((i * 31) + (i / 251));
        }

        var sending = Task.Run(async () =>
        {
            var random = new Random(7);
            for (var offset = 0; offset < payload.Length;)
            {
                var size = Math.Min(random.Next(1, 9000), payload.Length - offset);
                await client.SendAsync(payload.AsMemory(offset, size), TestContext.Current.CancellationToken);
                offset += size;
            }

            client.Shutdown(SocketShutdown.Send);
        }, TestContext.Current.CancellationToken);

        var received = await client.ReadToEndAsync(64 * 1024);
        await sending;

        Assert.Equal(payload.Length, received.Length);
        Assert.True(payload.AsSpan().SequenceEqual(received), "the echo differs from what was sent");
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task AConnectionWaitingForItsNextMessageHoldsNoBuffer(ConcurrencyModel model)
    {
        var handler = new EchoOnceThenLook();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint.ToEndPoint();
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint, TestContext.Current.CancellationToken);
        await client.SendAsync("hello"u8.ToArray(), TestContext.Current.CancellationToken);
        var reply = new byte[5];
        var got = 0;
        while (got < reply.Length)
        {
            got += await client.ReceiveAsync(reply.AsMemory(got), TestContext.Current.CancellationToken);
        }

        Assert.Equal("hello"u8.ToArray(), reply);
        Assert.False(await handler.HeldAfterConsuming.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        Assert.True(handler.HeldBeforeConsuming);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task AReadCanceledBeforeItStartsReturnsAtOnceAndTheNextOneReads(ConcurrencyModel model)
    {
        var handler = new CancelThenRead();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var endpoint = server.Listeners[0].Endpoint.ToEndPoint();
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint, TestContext.Current.CancellationToken);

        Assert.True(await handler.FirstWasCanceled.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        await client.SendAsync("x"u8.ToArray(), TestContext.Current.CancellationToken);
        Assert.Equal("x", await handler.SecondRead.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
    }

    /// <summary>Consumes and echoes the first half of each buffer, keeps the rest back (examined), to the end.</summary>
    private sealed class KeepBackHalfEcho : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await connection.Input.ReadAsync(cancellationToken);
                var buffer = result.Buffer;
                var take = result.IsCompleted ? buffer.Length : buffer.Length / 2;
                var consumed = buffer.Slice(0, take);
                foreach (var segment in consumed)
                {
                    await connection.Output.WriteAsync(segment, cancellationToken);
                }

                connection.Input.AdvanceTo(consumed.End, buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Echoes one read, then reports whether its reader still holds a buffer.</summary>
    private sealed class EchoOnceThenLook : IStreamHandler
    {
        public TaskCompletionSource<bool> HeldAfterConsuming { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool HeldBeforeConsuming { get; private set; }

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var reader = (ConnectionPipeReader)connection.Input;
            var result = await reader.ReadAsync(cancellationToken);
            HeldBeforeConsuming = reader.HoldsBuffer;
            foreach (var segment in result.Buffer)
            {
                await connection.Output.WriteAsync(segment, cancellationToken);
            }

            reader.AdvanceTo(result.Buffer.End);
            HeldAfterConsuming.TrySetResult(reader.HoldsBuffer);
            await connection.WaitForInputAsync(TestTimeouts.Io, cancellationToken);
        }
    }

    private sealed class CancelThenRead : IStreamHandler
    {
        public TaskCompletionSource<bool> FirstWasCanceled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> SecondRead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            connection.Input.CancelPendingRead();
            var first = await connection.Input.ReadAsync(cancellationToken);
            connection.Input.AdvanceTo(first.Buffer.End);
            FirstWasCanceled.TrySetResult(first.IsCanceled && first.Buffer.IsEmpty);

            var second = await connection.Input.ReadAsync(cancellationToken);
            SecondRead.TrySetResult(System.Text.Encoding.ASCII.GetString(second.Buffer.FirstSpan));
            connection.Input.AdvanceTo(second.Buffer.End);
        }
    }
}
