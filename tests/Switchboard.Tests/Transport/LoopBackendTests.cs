using System.Net;
using System.Net.Sockets;
using Switchboard.Tests.Support;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary>
/// Each readiness backend under the same loop, on real sockets: reads and writes that have to wait, a timed wait,
/// and a canceled wait followed by a new one (the poll backend must watch the socket anew).
/// </summary>
public sealed class LoopBackendTests
{
    public static TheoryData<LoopBackend> Backends =>
        OperatingSystem.IsLinux() ? [LoopBackend.Epoll, LoopBackend.Poll] : [LoopBackend.Poll];

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Backends))]
    public async Task ASendBiggerThanTheSocketBuffersWaitsForWriteReadinessAndArrivesWhole(LoopBackend backend)
    {
        using var loop = new SelectLoop("test-loop", backend);
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            server.SendBufferSize = 8 * 1024;
            client.ReceiveBufferSize = 8 * 1024;
            var io = new ReadinessSocketIO(server, loop);
            var payload = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
            var sending = OnLoop(loop, async () =>
            {
                await io.SendAsync(payload, CancellationToken.None);
                return true;
            });

            Assert.Equal(payload, await client.ReadExactlyAsync(payload.Length));
            Assert.True(await sending.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Backends))]
    public async Task ReceivesWaitForEachMessageAndSeeTheEndOfStream(LoopBackend backend)
    {
        using var loop = new SelectLoop("test-loop", backend);
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var io = new ReadinessSocketIO(server, loop);
            var buffer = new byte[4];
            for (var i = 0; i < 20; i++)
            {
                var receiving = OnLoop(loop, () => io.ReceiveAsync(buffer, CancellationToken.None).AsTask());
                await client.SendAllAsync(new byte[] { (byte)i, 1, 2 });
                Assert.Equal(3, await receiving.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
                Assert.Equal(i, buffer[0]);
            }

            var ending = OnLoop(loop, () => io.ReceiveAsync(buffer, CancellationToken.None).AsTask());
            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, await ending.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
            Assert.Equal(0, await OnLoop(loop, () => io.ReceiveAsync(buffer, CancellationToken.None).AsTask()).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Backends))]
    public async Task ATimedWaitEndsFalseWithNothingSentAndTrueOnceBytesArrive(LoopBackend backend)
    {
        using var loop = new SelectLoop("test-loop", backend);
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var io = new ReadinessSocketIO(server, loop);
            Assert.False(await OnLoop(loop, () => io.WaitForReadableAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None).AsTask()).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));

            var waiting = OnLoop(loop, () => io.WaitForReadableAsync(TestTimeouts.Io, CancellationToken.None).AsTask());
            await client.SendAllAsync(new byte[] { 42 });
            Assert.True(await waiting.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        }
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Backends))]
    public async Task ACanceledReceiveEndsAloneAndTheNextReceiveStillHearsTheBytes(LoopBackend backend)
    {
        using var loop = new SelectLoop("test-loop", backend);
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var io = new ReadinessSocketIO(server, loop);
            var buffer = new byte[16];
            using var cancel = new CancellationTokenSource();
            var canceled = OnLoop(loop, () => io.ReceiveAsync(buffer, cancel.Token).AsTask());
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => canceled.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));

            var receiving = OnLoop(loop, () => io.ReceiveAsync(buffer, CancellationToken.None).AsTask());
            await client.SendAllAsync(new byte[] { 1, 2, 3, 4, 5 });
            Assert.Equal(5, await receiving.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task PostedWorkThatThrowsDoesNotStopTheLoop()
    {
        using var loop = new SelectLoop("test-loop", LoopBackend.Poll);
        loop.Post(_ => throw new InvalidOperationException("on purpose"), null);
        Assert.True(await OnLoop(loop, () => Task.FromResult(true)).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
    }

    /// <summary>Starts <paramref name="work"/> on the loop thread, where the loop's sockets may be touched.</summary>
    private static Task<T> OnLoop<T>(SelectLoop loop, Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(_ => _ = RunAsync(), null);
        return done.Task;

        async Task RunAsync()
        {
            try
            {
                done.SetResult(await work());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }
    }

    private static async Task<(Socket Server, Socket Client)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(listener.LocalEndPoint!, TestContext.Current.CancellationToken);
        return (await listener.AcceptAsync(TestContext.Current.CancellationToken), client);
    }
}
