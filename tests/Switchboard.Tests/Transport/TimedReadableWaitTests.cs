using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Switchboard.Tests.Support;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary>
/// A wait for input with a timeout answers "did the peer send more?", and the timestamp service acts on the answer:
/// on true it goes back to reading, which waits for the next bytes with no deadline, so a true with nothing there
/// leaves a partial line unanswered for good. Checked on real sockets.
/// </summary>
public sealed class TimedReadableWaitTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheRuntimeEnginesTimedWaitIsNotEndedByReadinessThatWasAlreadyConsumed()
    {
        // The runtime's engine ends a zero-byte receive on any readiness event it has not yet seen when the receive
        // starts, without looking at the socket. Bytes that arrive just before the reader gets to them are read at
        // once, and their event, handled a moment later on the thread pool, then ends the next wait: "readable", with
        // nothing there. The wait below starts at varying moments after the bytes arrived, to meet that event.
        var (server, client) = await ConnectedPairAsync();
        using (server)
        using (client)
        {
            var io = new AsyncSocketIO(server);
            var buffer = new byte[64];
            var token = TestContext.Current.CancellationToken;
            await ReceiveAfterAWaitAsync(io, client, buffer, token); // the socket joins the engine's epoll set
            for (var i = 0; i < 200; i++)
            {
                client.Send([1]);
                SpinUntilAvailable(server, TimeSpan.FromMicroseconds(i % 100));
                await io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, token); // the bytes are there: at once
                await io.ReceiveAsync(buffer, token);
                Assert.False(await io.WaitForReadableAsync(TimeSpan.FromMilliseconds(2), token), $"round {i}: readable with nothing sent");

                // A timed-out receive stays queued in the engine until the next event: let data end a wait, as in the
                // service, where the timed wait follows only waits that data ended.
                await ReceiveAfterAWaitAsync(io, client, buffer, token);
            }
        }
    }

    private static async Task ReceiveAfterAWaitAsync(AsyncSocketIO io, Socket client, byte[] buffer, CancellationToken token)
    {
        var waiting = io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, token);
        client.Send([2]);
        Assert.True(await waiting);
        await io.ReceiveAsync(buffer, token);
    }

    private static void SpinUntilAvailable(Socket socket, TimeSpan thenSpin)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(TestTimeouts.Io.TotalSeconds * Stopwatch.Frequency);
        while (socket.Available == 0)
        {
            Assert.True(Stopwatch.GetTimestamp() < deadline, "the byte never arrived");
        }

        var until = Stopwatch.GetTimestamp() + (long)(thenSpin.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
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
