using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Transport;

/// <summary>
/// The batched datagram path allocates nothing per datagram: the receive, the handler's call, the reply guard and
/// the batch's send, all on the listener's loop thread, measured there by the handler itself. Release builds only
/// (a Debug build allocates its async state machines).
/// </summary>
public sealed class DatagramAllocationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Select, false)]
    [InlineData(ConcurrencyModel.Async, false)]
    [InlineData(ConcurrencyModel.Select, true)]
    public async Task AnEchoedDatagramAllocatesNothingOnTheLoop(ConcurrencyModel model, bool replyLimitOn)
    {
        var debug = typeof(Server).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled == true;
        Assert.SkipWhen(debug, "a Debug build allocates every async state machine; run with -c Release");
        Assert.SkipUnless(OperatingSystem.IsLinux(), "batches are Linux's (recvmmsg/sendmmsg)");

        const int WarmUp = 3_000;
        const int Measured = 10_000;
        var echo = new MeasuringEcho(WarmUp, WarmUp + Measured);
        await using var server = TestServer.Start(echo, model, TestServer.Ephemeral(TransportKind.Udp, _dir), o =>
        {
            // On: the guard's table is asked per datagram (the client is local, so limited only with the loopback
            // option), with a rate no test run reaches.
            o.DatagramReplyRate = replyLimitOn ? 1_000_000 : 0;
            o.DatagramReplyBurst = 1_000_000;
            o.DatagramReplyLimitLoopback = replyLimitOn;
        });
        using var client = TestClient.DatagramFor(server.Listeners[0].Endpoint, _dir);
        client.ReceiveTimeout = 5_000;
        var message = new byte[64];
        var reply = new byte[64];
        const int Window = 16;
        for (var sent = 0; sent < WarmUp + Measured + Window; sent += Window)
        {
            for (var i = 0; i < Window; i++)
            {
                client.Send(message);
            }

            for (var i = 0; i < Window; i++)
            {
                Assert.Equal(64, client.Receive(reply));
            }
        }

        var allocated = await echo.Allocated.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        // One allocation per datagram would be 320 KB+; a few stray bytes (a timer, a tier-up) are not per datagram.
        Assert.True(allocated < 4_096, $"{allocated} bytes allocated on the loop over {Measured} datagrams");
    }

    /// <summary>Echoes, and reads its thread's allocation counter at two datagram counts.</summary>
    private sealed class MeasuringEcho(int from, int to) : IDatagramHandler
    {
        private int _count;
        private long _before;

        public TaskCompletionSource<long> Allocated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken)
        {
            var count = ++_count;
            if (count == from)
            {
                _before = GC.GetAllocatedBytesForCurrentThread();
            }
            else if (count == to)
            {
                Allocated.TrySetResult(GC.GetAllocatedBytesForCurrentThread() - _before);
            }

            var sent = datagram.ReplyAsync(datagram.Payload, cancellationToken);
            return sent.IsCompletedSuccessfully ? default : new ValueTask(sent.AsTask());
        }
    }
}
