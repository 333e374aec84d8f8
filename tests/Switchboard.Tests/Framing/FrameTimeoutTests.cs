using System.Diagnostics;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Framing;

/// <summary><see cref="FrameReader.FrameTimeout"/> on a connection: a frame that dribbles in too slowly ends the connection.</summary>
public sealed class FrameTimeoutTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestMeterFactory _meters = new();

    public void Dispose()
    {
        _meters.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task AFrameThatDribblesPastItsTimeoutClosesTheConnection(ConcurrencyModel model)
    {
        await using var server = TestServer.Start(new TimedFrameEcho(TimeSpan.FromSeconds(1)), model, TestServer.Ephemeral(TransportKind.Tcp, _dir), o => o.MeterFactory = _meters);
        using var closed = _meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);

        // One whole frame first: it is echoed, and the time between frames does not count.
        // The pause is the input (longer than the frame timeout); the echo after it shows the connection was kept.
        byte[] ok = [0, 0, 0, 2, (byte)'o', (byte)'k'];
        await client.SendAllAsync(ok);
        Assert.Equal(ok, await client.ReadExactlyAsync(6));
        await Task.Delay(1500, TestContext.Current.CancellationToken);
        await client.SendAllAsync(ok);
        Assert.Equal(ok, await client.ReadExactlyAsync(6));
        Assert.Equal(0, closed.Sum());

        var watch = Stopwatch.StartNew();
        await client.SendAllAsync(new byte[] { 0, 0, 0, 100 }); // a frame of 100 bytes, sent a byte at a time
        while (watch.Elapsed < TimeSpan.FromSeconds(10) && server.ActiveConnections == 1)
        {
            try
            {
                await client.SendAsync("d"u8.ToArray(), SocketFlags.None, TestContext.Current.CancellationToken);
            }
            catch (SocketException)
            {
                break;
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1), "the dribbled frame was never cut");
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal("frame_timeout", closed.GetMeasurementSnapshot()[0].Tags["error.type"]);
    }

    private sealed class TimedFrameEcho(TimeSpan frameTimeout) : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var framer = new LengthPrefixedFramer(4);
            using var reader = new FrameReader(connection.Input, framer) { FrameTimeout = frameTimeout };
            var writer = new FrameWriter(connection.Output, framer);
            while (await reader.ReadAsync(cancellationToken) is { } frame)
            {
                writer.Write(frame);
                await writer.FlushAsync(cancellationToken);
            }
        }
    }
}
