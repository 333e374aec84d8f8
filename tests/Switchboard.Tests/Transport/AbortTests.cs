using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary><see cref="Connection.Abort()"/> is a plain reset: the peer never sees a clean end of stream first.</summary>
public sealed class AbortTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task APeerOfAConnectionAbortedByItsHandlerSeesAResetAndNoEndOfStream(ConcurrencyModel model)
    {
        var handler = new AbortingHandler(abortFromHandler: true);
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());

        await AssertResetAsync(client);
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task APeerOfAConnectionAbortedWhileItsHandlerWaitsToReadSeesAReset(ConcurrencyModel model)
    {
        // The abort comes from another thread while the handler waits in receive (blocked, under threads and
        // sequential): the wait must end and the peer must still get a reset, not a FIN.
        var handler = new AbortingHandler(abortFromHandler: false);
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());
        var connection = await handler.Reading.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        // Orders the stimulus, asserts nothing: nothing shows that a blocking receive has begun (under threads and
        // sequential the call does not return until the abort), and an abort just before it ends the read too.
        await Task.Delay(100, TestContext.Current.CancellationToken);
        connection.Abort();

        await AssertResetAsync(client);
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));
    }

    private static async Task AssertResetAsync(Socket client)
    {
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var error = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            var n = await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            Assert.Fail($"received {n} bytes (0 = a clean end of stream) instead of a reset");
        });
        Assert.Equal(SocketError.ConnectionReset, error.SocketErrorCode);
    }

    /// <summary>Reads one byte, then aborts the connection itself or waits to read more until aborted.</summary>
    private sealed class AbortingHandler(bool abortFromHandler) : IStreamHandler
    {
        public TaskCompletionSource<Connection> Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var first = await connection.Input.ReadAsync(cancellationToken);
            connection.Input.AdvanceTo(first.Buffer.End);
            if (abortFromHandler)
            {
                connection.Abort();
                return;
            }

            Reading.TrySetResult(connection);
            await connection.Input.ReadAsync(CancellationToken.None);
        }
    }
}
