using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>
/// A call on a connection that is gone fails through the task it returns, never by throwing on the call: a handler
/// that starts writes to many connections and then awaits them all must not stop at the first dead one.
/// </summary>
public sealed class FaultedCallTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AWriteOnAnAbortedConnectionFailsThroughItsTask(ConcurrencyModel model)
    {
        var handler = new CallAfterAbort(c => c.Output.WriteAsync("late"u8.ToArray()).AsTask());
        await RunAsync(handler, model);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task AWaitForInputOnAnAbortedConnectionFailsThroughItsTask(ConcurrencyModel model)
    {
        var handler = new CallAfterAbort(c => c.WaitForInputAsync(TimeSpan.FromSeconds(5)).AsTask());
        await RunAsync(handler, model);
    }

    private async Task RunAsync(CallAfterAbort handler, ConcurrencyModel model)
    {
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await client.SendAllAsync("x"u8.ToArray());

        var outcome = await handler.Outcome.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal("faulted task", outcome.How);
        var aborted = Assert.IsType<ConnectionAbortedException>(outcome.Error);
        Assert.Equal(CloseReason.Error, aborted.Reason); // Connection.Abort() records Error
    }

    /// <summary>Reads one byte, aborts the connection, then makes <paramref name="call"/> and reports how it failed.</summary>
    private sealed class CallAfterAbort(Func<Connection, Task> call) : IStreamHandler
    {
        public TaskCompletionSource<(string How, Exception? Error)> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var first = await connection.Input.ReadAsync(cancellationToken);
            connection.Input.AdvanceTo(first.Buffer.End);
            connection.Abort();

            Task pending;
            try
            {
                pending = call(connection);
            }
            catch (Exception e)
            {
                Outcome.TrySetResult(("thrown by the call", e));
                return;
            }

            try
            {
                await pending;
                Outcome.TrySetResult(("succeeded", null));
            }
            catch (Exception e)
            {
                Outcome.TrySetResult(("faulted task", e));
            }
        }
    }
}
