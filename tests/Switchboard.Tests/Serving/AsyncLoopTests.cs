using System.Collections.Concurrent;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Options;
using Switchboard.Security;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>
/// The async model's event loops (Linux): connections are spread over them, each handler runs on its connection's
/// loop, and handler code that wanders off its loop (ConfigureAwait(false)) is brought back for socket calls.
/// </summary>
public sealed class AsyncLoopTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ConnectionsAreSpreadOverTheLoopsAndHandlersRunOnThem()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the event loops are Linux only");
        var handler = new ThreadRecordingEcho();
        await using var server = TestServer.Start(handler, ConcurrencyModel.Async, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.AsyncLoops = 2);

        var clients = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
                clients.Add(client);
                var message = Encoding.ASCII.GetBytes($"hello {i}");
                await client.SendAllAsync(message);
                Assert.Equal(message, await client.ReadExactlyAsync(message.Length));
            }
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }

        Assert.Equal(["switchboard-io-0", "switchboard-io-1"], handler.Threads.Distinct().Order());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TlsConnectionsAreServedOnTheLoopsToo()
    {
        // A tls:// connection's SocketIO wraps the loop's: it must still be dispatched to that loop, or its handshake
        // and every record hop between the thread pool and the loop (that cost 60 % of the handshake rate).
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the event loops are Linux only");
        using var certificate = TlsCertificates.CreateSelfSigned();
        var handler = new ThreadRecordingEcho();
        var options = new ServerOptions { Model = ConcurrencyModel.Async, AsyncLoops = 2, DrainTimeout = TimeSpan.FromSeconds(2), Tls = new TlsServerOptions { Certificate = certificate } };
        options.Listen.Add(EndpointUri.Parse("tls://127.0.0.1:0"));
        await using var server = new Server(options, handler, null);
        server.Start();

        for (var i = 0; i < 4; i++)
        {
            using var client = await TlsTestClient.ConnectAsync(server.Listeners[0].Endpoint, certificate);
            var message = Encoding.ASCII.GetBytes($"hello {i}");
            await client.SendAsync(message);
            Assert.Equal(message, await client.ReadExactlyAsync(message.Length));
        }

        Assert.Equal(["switchboard-io-0", "switchboard-io-1"], handler.Threads.Distinct().Order());
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task AHandlerThatLeftItsLoopStillReadsWritesAndWaits(ConcurrencyModel model)
    {
        var handler = new WanderingEcho();
        await using var server = TestServer.Start(handler, model, TestServer.Ephemeral(TransportKind.Tcp, _dir));
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);

        for (var i = 0; i < 50; i++)
        {
            var message = Encoding.ASCII.GetBytes($"line {i}\n");
            await client.SendAllAsync(message);
            Assert.Equal(message, await client.ReadExactlyAsync(message.Length));
        }

        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        Assert.Empty(await client.ReadToEndAsync());
        Assert.True(handler.CalledOffLoop > 0, "the handler never ran off its loop, so the test proved nothing");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ANegativeLoopCountIsRefused()
    {
        var options = new ServerOptions { AsyncLoops = -1 };
        options.Listen.Add(TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var server = new Server(options, new ThreadRecordingEcho(), null);
        var error = Assert.Throws<OptionOutOfRangeException>(server.Start);
        Assert.Equal("AsyncLoops", error.OptionName);
        Assert.Equal("AsyncLoops must be 0 or more, not -1", error.Message);
    }


    /// <summary>Leaves the loop before every call: waits, reads and writes are then made from thread-pool threads (counted).</summary>
    private sealed class WanderingEcho : IStreamHandler
    {
        private int _offLoop;

        public int CalledOffLoop => Volatile.Read(ref _offLoop);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            while (true)
            {
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                Count();
                if (!await connection.WaitForInputAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                await Task.Run(() => { }, cancellationToken).ConfigureAwait(false);
                Count();
                var result = await connection.Input.ReadAsync(cancellationToken).ConfigureAwait(false);
                await Task.Run(() => { }, cancellationToken).ConfigureAwait(false);
                Count();
                foreach (var segment in result.Buffer)
                {
                    await connection.Output.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
                }

                connection.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }

        private void Count()
        {
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref _offLoop);
            }
        }
    }
}
