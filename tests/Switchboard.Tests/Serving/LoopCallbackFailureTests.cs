using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// Work posted to an event loop's <see cref="SynchronizationContext"/> that throws is logged once, naming what ran,
/// and the loop goes on with later work and other connections.
/// </summary>
public sealed class LoopCallbackFailureTests : IDisposable
{
    private const string Failure = "exploded on purpose";
    private readonly TempDirectory _dir = new();
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public LoopCallbackFailureTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Async)]
    public async Task ACallbackPostedToTheLoopThatThrowsIsLoggedOnceAndTheLoopRunsLaterWork(ConcurrencyModel model)
    {
        Assert.SkipWhen(model == ConcurrencyModel.Async && !OperatingSystem.IsLinux(), "the async model runs on loops on Linux only");
        var options = new ServerOptions { Model = model, DrainTimeout = TimeSpan.FromSeconds(2) };
        options.Listen.Add(TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var server = new Server(options, new PostsAThrowingCallbackThenEchoes(), null, _loggerFactory);
        server.Start();

        foreach (var text in new[] { "first", "second" })
        {
            using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
            await client.SendAllAsync(Encoding.ASCII.GetBytes(text));
            Assert.Equal(text, Encoding.ASCII.GetString(await client.ReadExactlyAsync(text.Length)));
        }

        Assert.True(await Eventually.TrueAsync(() => Failures().Count >= 2), "the failing callbacks were not logged");
        var records = Failures();
        Assert.Equal(2, records.Count); // one per posted callback: once each, not twice
        Assert.All(records, r =>
        {
            Assert.Equal(LogLevel.Error, r.Level);
            Assert.Contains(nameof(PostsAThrowingCallbackThenEchoes.Explode), r.Message, StringComparison.Ordinal);
            Assert.Contains(Failure, r.Message, StringComparison.Ordinal);
        });
    }

    private List<FakeLogRecord> Failures() =>
        [.. _logs.GetSnapshot().Where(r => r.Exception?.Message == Failure || r.Message.Contains(Failure, StringComparison.Ordinal))];

    /// <summary>Posts a callback that throws to the loop it runs on, then posts later work, waits for it, and echoes.</summary>
    private sealed class PostsAThrowingCallbackThenEchoes : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var loop = SynchronizationContext.Current ?? throw new InvalidOperationException("no loop context here");
            loop.Post(Explode, null);
            var later = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.Post(static state => ((TaskCompletionSource)state!).SetResult(), later);
            await later.Task.WaitAsync(TestTimeouts.Io, cancellationToken);

            var result = await connection.Input.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                await connection.Output.WriteAsync(segment, cancellationToken);
            }

            connection.Input.AdvanceTo(result.Buffer.End);
        }

        public static void Explode(object? state) => throw new InvalidOperationException(Failure);
    }
}
