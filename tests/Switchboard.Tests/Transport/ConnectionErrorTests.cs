using System.Net.Sockets;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>
/// Handlers and clients see the library's own exceptions for a lost connection, mapped once from the socket's
/// error: <see cref="ConnectionResetException"/> for a peer's reset, <see cref="ConnectionAbortedException"/> for an
/// abort by this side, each with the socket error inside and its close reason.
/// </summary>
public sealed class ConnectionErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AHandlerCatchesConnectionResetExceptionWhenThePeerResets(ConcurrencyModel model)
    {
        var handler = new ReadUntilFailure();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());
        await handler.FirstByte.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        client.Reset(); // SO_LINGER 0, then close: RST

        var error = await handler.Failure.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        var reset = Assert.IsType<ConnectionResetException>(error);
        Assert.Equal(CloseReason.PeerReset, reset.Reason);
        Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(reset.InnerException).SocketErrorCode);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AHandlerCatchesConnectionAbortedExceptionWhenTheServerClosesItIdleEvenReadingWithTheAbortToken(ConcurrencyModel model)
    {
        var handler = new ReadUntilFailure();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.IdleTimeout = TimeSpan.FromMilliseconds(300));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());

        var error = await handler.Failure.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        var aborted = Assert.IsType<ConnectionAbortedException>(error);
        Assert.Equal(CloseReason.Idle, aborted.Reason);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AWriteAfterTheHandlerAbortsFailsWithConnectionAbortedException(ConcurrencyModel model)
    {
        var handler = new AbortThenWrite();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());

        var error = await handler.Failure.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        var aborted = Assert.IsType<ConnectionAbortedException>(error);
        Assert.Equal(CloseReason.Error, aborted.Reason); // Connection.Abort() records Error
        Assert.NotNull(aborted.InnerException);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AClientConnectionSeesConnectionResetExceptionWhenTheServerResets()
    {
        await using var server = TestServer.Start(new AbortThenWrite(), ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var connection = await SocketClient.ConnectAsync(server.Listeners[0].Endpoint, cancellationToken: TestContext.Current.CancellationToken);
        await connection.Output.WriteAsync("x"u8.ToArray(), TestContext.Current.CancellationToken);

        var reset = await Assert.ThrowsAsync<ConnectionResetException>(async () =>
        {
            while (true)
            {
                var result = await connection.Input.ReadAsync(TestContext.Current.CancellationToken);
                connection.Input.AdvanceTo(result.Buffer.End);
                Assert.False(result.IsCompleted, "a clean end of stream instead of a reset");
            }
        });
        Assert.Equal(CloseReason.PeerReset, reset.Reason);
        Assert.IsType<SocketException>(reset.InnerException);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AClientConnectionAbortedWhileReadingSeesConnectionAbortedException()
    {
        var handler = new ReadUntilFailure();
        await using var server = TestServer.Start(handler, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var connection = await SocketClient.ConnectAsync(server.Listeners[0].Endpoint, cancellationToken: TestContext.Current.CancellationToken);
        await connection.Output.WriteAsync("x"u8.ToArray(), TestContext.Current.CancellationToken);
        await handler.FirstByte.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        var reading = connection.Input.ReadAsync(TestContext.Current.CancellationToken).AsTask();
        connection.Abort();

        var aborted = await Assert.ThrowsAsync<ConnectionAbortedException>(() => reading.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        Assert.NotNull(aborted.InnerException);
    }

    /// <summary>Reads with the abort token until a read fails, and reports that failure.</summary>
    private sealed class ReadUntilFailure : IStreamHandler
    {
        public TaskCompletionSource FirstByte { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<Exception> Failure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    var result = await connection.Input.ReadAsync(cancellationToken);
                    connection.Input.AdvanceTo(result.Buffer.End);
                    FirstByte.TrySetResult();
                    if (result.IsCompleted)
                    {
                        Failure.TrySetException(new InvalidOperationException("the read ended cleanly"));
                        return;
                    }
                }
            }
            catch (ConnectionException e)
            {
                Failure.TrySetResult(e);
            }
        }
    }

    /// <summary>Reads one byte, aborts its own connection, then writes and reports how the write failed.</summary>
    private sealed class AbortThenWrite : IStreamHandler
    {
        public TaskCompletionSource<Exception> Failure { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var first = await connection.Input.ReadAsync(cancellationToken);
            connection.Input.AdvanceTo(first.Buffer.End);
            connection.Abort();
            try
            {
                await connection.Output.WriteAsync("late"u8.ToArray(), CancellationToken.None);
                Failure.TrySetException(new InvalidOperationException("the write succeeded"));
            }
            catch (ConnectionException e)
            {
                Failure.TrySetResult(e);
            }
        }
    }
}
