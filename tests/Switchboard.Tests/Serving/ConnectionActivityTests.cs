using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// The <c>Switchboard</c> activity source: one <c>switchboard.connection</c> server activity per connection, a root,
/// current while the handler runs, ended with the close reason (and <c>error.type</c> only for an error close).
/// </summary>
public sealed class ConnectionActivityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    // The listener is process-wide and tests run in parallel: only this test's service name is kept.
    private readonly string _service = "activity-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public ConnectionActivityTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Switchboard",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if ((string?)activity.GetTagItem("switchboard.service") == _service)
                {
                    _stopped.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task EachConnectionIsOneRootServerActivityEndedWithItsReason(ConcurrencyModel model)
    {
        using var outer = new Activity("the test's own").Start(); // what was current at start is not the parent
        await using var server = Start(new EchoService(), model);
        using (var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            await client.SendAllAsync("hello"u8.ToArray());
            await client.ReadExactlyAsync(5);
            client.Shutdown(SocketShutdown.Send);
            await client.ReadToEndAsync();
        }

        using (var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            await client.SendAllAsync("x"u8.ToArray());
            await client.ReadExactlyAsync(1);
            client.Reset();
        }

        Assert.True(await Eventually.TrueAsync(() => _stopped.Count == 2), $"{_stopped.Count} activities stopped");
        var activities = _stopped.ToArray();
        Assert.All(activities, a =>
        {
            Assert.Equal("switchboard.connection", a.OperationName);
            Assert.Equal(ActivityKind.Server, a.Kind);
            Assert.Equal(default, a.ParentSpanId);
            Assert.NotEqual(outer.TraceId, a.TraceId);
            Assert.Equal("tcp", a.GetTagItem("network.transport"));
            Assert.Equal("127.0.0.1", a.GetTagItem("network.peer.address"));
        });

        // Found by reason, not by order: the first one's activity ends after its socket closed, when the second may be done.
        var normal = Assert.Single(activities, a => (string?)a.GetTagItem("switchboard.close.reason") == "peer_closed");
        Assert.Null(normal.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Unset, normal.Status);
        Assert.Equal(5L, normal.GetTagItem("switchboard.bytes.received"));

        var reset = Assert.Single(activities, a => (string?)a.GetTagItem("switchboard.close.reason") == "peer_reset");
        Assert.Equal("peer_reset", reset.GetTagItem("error.type"));
        Assert.Equal(ActivityStatusCode.Error, reset.Status);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheActivityIsCurrentWhileTheHandlerRuns()
    {
        var handler = new CurrentActivityHandler();
        await using var server = Start(handler, ConcurrencyModel.Async);
        using (var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint))
        {
            await client.ReadToEndAsync();
        }

        Assert.True(await Eventually.TrueAsync(() => _stopped.Count == 1));
        var seen = await handler.Seen.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Equal(Assert.Single(_stopped).SpanId, seen);
    }

    private Server Start(IStreamHandler handler, ConcurrencyModel model) =>
        TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.ServiceName = _service);

    private sealed class CurrentActivityHandler : IStreamHandler
    {
        public TaskCompletionSource<ActivitySpanId?> Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Seen.TrySetResult(Activity.Current?.SpanId);
        }
    }
}
