using System.Buffers;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Serving;

/// <summary>One connection's failure is logged once, with its peer, and touches no one else.</summary>
public sealed class FailureIsolationTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public FailureIsolationTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _meters.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AHandlerThatThrowsIsLoggedOnceWithThePeerWhileOthersAreServed(ConcurrencyModel model)
    {
        await using var server = Start(new EchoUnlessBoom(), model);
        var endpoint = server.Listeners[0].Endpoint;
        Socket? bystander = model == ConcurrencyModel.Sequential ? null : await TestClient.ConnectAsync(endpoint);
        try
        {
            if (bystander is not null)
            {
                await AssertEchoesAsync(bystander, "before");
            }

            using var failing = await TestClient.ConnectAsync(endpoint);
            var peer = failing.LocalEndPoint!.ToString()!;
            await failing.SendAllAsync("boom"u8.ToArray());
            Assert.Empty(await ReadUntilClosedAsync(failing));

            bystander ??= await TestClient.ConnectAsync(endpoint); // sequential: the next one in line
            await AssertEchoesAsync(bystander, "after");
            Assert.True(await Eventually.TrueAsync(() => LinesAbout(peer, LogLevel.Information).Count >= 1));
            var lines = LinesAbout(peer, LogLevel.Information);
            var line = Assert.Single(lines);
            Assert.Equal(LogLevel.Error, line.Level);
            Assert.Contains("handler failed: boom from the handler", line.Message, StringComparison.Ordinal);
        }
        finally
        {
            bystander?.Dispose();
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task APeerThatResetsMidMessageIsLoggedOnceWithThePeerWhileOthersAreServed(ConcurrencyModel model)
    {
        await using var server = Start(new TimestampService(new ServiceOptions { LineFlush = TimeSpan.FromSeconds(30) }), model);
        using var bytes = _meters.Collect("switchboard.connection.io");
        var endpoint = server.Listeners[0].Endpoint;
        Socket? bystander = model == ConcurrencyModel.Sequential ? null : await TestClient.ConnectAsync(endpoint);
        try
        {
            var resetting = await TestClient.ConnectAsync(endpoint);
            var peer = resetting.LocalEndPoint!.ToString()!;
            await resetting.SendAllAsync("half a li"u8.ToArray()); // no newline: the server holds a partial line
            Assert.True(await Eventually.TrueAsync(() => bytes.Sum("network.io.direction", "receive") == 9), "the server never read the partial line");
            resetting.Reset();

            bystander ??= await TestClient.ConnectAsync(endpoint);
            await bystander.SendAllAsync("whole line\n"u8.ToArray());
            var reply = Encoding.ASCII.GetString(await ReadLineAsync(bystander));
            Assert.EndsWith("]: whole line\n", reply, StringComparison.Ordinal);

            // Debug, not Information: a reset is ordinary, and a reset storm must not become a log storm (#13).
            Assert.True(await Eventually.TrueAsync(() => ResetLinesAbout(peer).Count >= 1));
            var line = Assert.Single(ResetLinesAbout(peer));
            Assert.Equal(LogLevel.Debug, line.Level);
            Assert.Empty(LinesAbout(peer, LogLevel.Information));
        }
        finally
        {
            bystander?.Dispose();
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task AClientThatSendsAnOverlongLineGetsOneErrorLineIsLoggedOnceAndOthersAreServed(ConcurrencyModel model)
    {
        await using var server = Start(new TimestampService(new ServiceOptions { MaxLine = 64 }), model);
        var endpoint = server.Listeners[0].Endpoint;
        using var garbage = await TestClient.ConnectAsync(endpoint);
        var peer = garbage.LocalEndPoint!.ToString()!;
        await garbage.SendAllAsync(Enumerable.Repeat((byte)'g', 200).ToArray());
        var reply = Encoding.ASCII.GetString(await ReadUntilClosedAsync(garbage));
        Assert.Equal("error: line longer than 64 bytes; closing\r\n", reply);

        using var next = await TestClient.ConnectAsync(endpoint);
        await next.SendAllAsync("fine\n"u8.ToArray());
        Assert.EndsWith("]: fine\n", Encoding.ASCII.GetString(await ReadLineAsync(next)), StringComparison.Ordinal);

        Assert.True(await Eventually.TrueAsync(() => LinesAbout(peer, LogLevel.Information).Count >= 1), "the over-long line was not logged");
        var line = Assert.Single(LinesAbout(peer, LogLevel.Information));
        Assert.Contains("limit", line.Message, StringComparison.Ordinal);
    }

    private Server Start(IStreamHandler handler, ConcurrencyModel model)
    {
        var options = new ServerOptions { Model = model, DrainTimeout = TimeSpan.FromSeconds(2), MeterFactory = _meters };
        options.Listen.Add(TestServer.Ephemeral(TransportKind.Tcp, _dir));
        var server = new Server(options, handler, null, _loggerFactory);
        server.Start();
        return server;
    }

    private List<FakeLogRecord> ResetLinesAbout(string peer) =>
        [.. LinesAbout(peer, LogLevel.Trace).Where(r => r.Message.Contains("reset by peer", StringComparison.Ordinal))];

    private List<FakeLogRecord> LinesAbout(string peer, LogLevel atLeast) =>
        [.. _logs.GetSnapshot().Where(r => r.Level >= atLeast && r.Message.Contains(peer, StringComparison.Ordinal))];

    private static async Task AssertEchoesAsync(Socket client, string text)
    {
        await client.SendAllAsync(Encoding.ASCII.GetBytes(text));
        Assert.Equal(text, Encoding.ASCII.GetString(await client.ReadExactlyAsync(text.Length)));
    }

    private static async Task<byte[]> ReadLineAsync(Socket client)
    {
        var line = new List<byte>();
        while (line.Count == 0 || line[^1] != (byte)'\n')
        {
            line.AddRange(await client.ReadExactlyAsync(1));
        }

        return [.. line];
    }

    /// <summary>What arrives until the peer closes, with FIN or RST.</summary>
    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var all = new List<byte>();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                all.AddRange(buffer[..n]);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return [.. all];
    }

    /// <summary>Echo, except that a message containing "boom" makes the handler throw.</summary>
    private sealed class EchoUnlessBoom : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            while (true)
            {
                var result = await connection.Input.ReadAsync(cancellationToken);
                if (Encoding.ASCII.GetString(result.Buffer.ToArray()).Contains("boom", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("boom from the handler");
                }

                foreach (var segment in result.Buffer)
                {
                    await connection.Output.WriteAsync(segment, cancellationToken);
                }

                connection.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }
}
