using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>A handler that takes the message deadline over is called at it instead of being closed, and may move it.</summary>
public sealed class MessageDeadlineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task AHandlerThatTookTheDeadlineOverIsCalledAtTheMovedDeadlineAndNotClosed(ConcurrencyModel model)
    {
        using var meters = new TestMeterFactory();
        using var closed = meters.Collect("switchboard.connections.closed");
        await using var server = TestServer.Start(
            new DeadlineHandler(), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MeterFactory = meters);
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var watch = Stopwatch.StartNew();

        var reply = Encoding.ASCII.GetString(await client.ReadToEndAsync());

        Assert.Equal("deadline\n", reply);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"called after {watch.Elapsed}: the deadline was not moved");
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1));
        Assert.Equal("completed", closed.GetMeasurementSnapshot()[0].Tags["switchboard.close.reason"]);
    }

    private sealed class DeadlineHandler : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var called = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            connection.HandleMessageTimeout(() => called.TrySetResult());
            connection.BeginMessage(TimeSpan.FromMilliseconds(100));
            connection.SetMessageDeadline(TimeSpan.FromSeconds(1)); // later than the first: the call must wait for it
            await called.Task.WaitAsync(TestTimeouts.Io, cancellationToken);
            await connection.Output.WriteAsync("deadline\n"u8.ToArray(), cancellationToken);
        }
    }
}
