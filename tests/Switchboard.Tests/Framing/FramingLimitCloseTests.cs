using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;
using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Framing;

/// <summary>
/// A client that breaks the framing is the client's fault: when the <see cref="FramingException"/> escapes the
/// handler, the connection closes with reason <c>limit</c> and one warning names the peer and the limit, with no
/// exception (so no stack trace) attached — not a handler failure.
/// </summary>
public sealed class FramingLimitCloseTests : IDisposable
{
    private const int MaxFrame = 1024;

    private readonly TempDirectory _dir = new();
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;

    public FramingLimitCloseTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public static TheoryData<ConcurrencyModel, string> ModelsAndCases
    {
        get
        {
            var data = new TheoryData<ConcurrencyModel, string>();
            foreach (var model in new[] { ConcurrencyModel.Async, ConcurrencyModel.Select, ConcurrencyModel.Threads })
            {
                data.Add(model, "oversized");
                data.Add(model, "negative");
                data.Add(model, "truncated");
            }

            return data;
        }
    }

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(ModelsAndCases))]
    public async Task AFramingViolationClosesWithLimitAndOneWarningNamingThePeerAndTheLimit(ConcurrencyModel model, string broken)
    {
        using var meters = new TestMeterFactory();
        var options = new ServerOptions { Model = model, DrainTimeout = TimeSpan.FromSeconds(2), MeterFactory = meters };
        options.Listen.Add(TestServer.Ephemeral(TransportKind.Tcp, _dir));
        await using var server = new Server(options, new StrictFramedEcho(), null, _loggerFactory);
        using var closed = meters.Collect("switchboard.connections.closed");
        server.Start();

        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        var peer = client.LocalEndPoint!.ToString()!;
        var (wire, limit) = broken switch
        {
            "oversized" => (new byte[] { 0x00, 0x00, 0x10, 0x00, 1, 2, 3 }, $"length prefix says 4096 bytes, over MaxFrameLength ({MaxFrame} bytes)"), // 4096 > 1024
            "negative" => (new byte[] { 0xff, 0xff, 0xff, 0xfe }, "length prefix is negative (-2)"),
            _ => (new byte[] { 0x00, 0x00, 0x00, 0x0a, 1, 2, 3 }, "the stream ended 7 bytes into a frame"),
        };
        await client.SendAllAsync(wire);
        if (broken == "truncated")
        {
            client.Shutdown(SocketShutdown.Send); // ends the stream with 3 of the 10 promised bytes
        }

        await ReadUntilClosedAsync(client);
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1), "the close was not counted");
        Assert.Equal("limit", closed.GetMeasurementSnapshot()[0].Tags["error.type"]);

        var warnings = _logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).ToList();
        var line = Assert.Single(warnings);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains(peer, line.Message, StringComparison.Ordinal);
        Assert.Contains(limit, line.Message, StringComparison.Ordinal);
        Assert.Null(line.Exception);
    }

    /// <summary>What arrives until the server closes, with FIN or RST.</summary>
    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    /// <summary>Echoes signed length-prefixed frames and lets any <see cref="FramingException"/> escape to the server.</summary>
    private sealed class StrictFramedEcho : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var framer = new LengthPrefixedFramer(4, maxFrameLength: MaxFrame, isSigned: true);
            using var reader = new FrameReader(connection.Input, framer);
            var writer = new FrameWriter(connection.Output, framer);
            while (await reader.ReadAsync(cancellationToken) is { } frame)
            {
                writer.Write(frame);
                await writer.FlushAsync(cancellationToken);
            }
        }
    }
}
