using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// A handler that outlives the stop (it ignored the abort past the drain time) resumes after its event loop has
/// ended: it must still run to its end, its socket calls failing as disconnects, rather than wait forever for a
/// loop that will never run it again (its <c>finally</c> blocks and the connection's close would never happen).
/// </summary>
public sealed class LoopShutdownTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task AHandlerThatResumesAfterTheStopRunsToItsEndWithADisconnect(ConcurrencyModel model)
    {
        var handler = new DeafHandler();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.DrainTimeout = TimeSpan.FromMilliseconds(100));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await handler.Started.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        await server.StopAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        handler.Release.SetResult();

        var error = await handler.Ended.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        var aborted = Assert.IsType<ConnectionAbortedException>(error);
        Assert.Equal(CloseReason.Drain, aborted.Reason);
    }

    /// <summary>Waits for the test, deaf to the abort, then reads once; reports how that ended.</summary>
    private sealed class DeafHandler : IStreamHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<Exception?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Release.Task; // resumes through the handler's scheduler: the event loop, under async and select
            try
            {
                await connection.Input.ReadAsync(CancellationToken.None);
                Ended.TrySetResult(null);
            }
            catch (Exception e)
            {
                Ended.TrySetResult(e);
                throw;
            }
        }
    }
}
