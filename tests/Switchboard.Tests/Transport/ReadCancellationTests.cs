using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>
/// Canceling a read ends that read only. A writer beside the handler (the chat's, which sends a slow member's last
/// lines while its reading has been stopped) must go on sending under its own token.
/// </summary>
public sealed class ReadCancellationTests : IDisposable
{
    private const int PayloadSize = 2 * 1024 * 1024; // far beyond both sockets' buffers: the writer must wait
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task CancelingAReadLeavesAWriteThatWaitsBesideItRunning(ConcurrencyModel model)
    {
        var handler = new ReadAndWriteBeside();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.Transport.SendBufferSize = 64 * 1024);
        var endpoint = server.Listeners[0].Endpoint.ToEndPoint();
        using var client = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await client.ConnectAsync(endpoint, TestContext.Current.CancellationToken);

        // The client reads nothing until the handler has canceled its read: the writer is waiting to send by then.
        await handler.ReadCanceled.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        var received = await client.ReadToEndAsync(64 * 1024);

        Assert.Equal(PayloadSize, received.Length);
        Assert.Null(await handler.WriterError.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
    }

    /// <summary>Writes a large payload beside the handler under the abort token; the handler's read is canceled under its own.</summary>
    private sealed class ReadAndWriteBeside : IStreamHandler
    {
        public TaskCompletionSource ReadCanceled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<Exception?> WriterError { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var writer = connection.StartBesideHandler(async () =>
            {
                try
                {
                    await connection.Output.WriteAsync(new byte[PayloadSize], cancellationToken);
                    await connection.ShutdownOutputAsync(cancellationToken);
                    WriterError.TrySetResult(null);
                }
                catch (Exception e)
                {
                    WriterError.TrySetResult(e);
                }
            });

            using var stopReading = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                await connection.Input.ReadAsync(stopReading.Token);
            }
            catch (OperationCanceledException)
            {
            }

            ReadCanceled.TrySetResult();
            await writer;
        }
    }
}
