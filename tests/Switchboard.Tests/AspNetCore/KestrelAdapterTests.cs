using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.AspNetCore;
using Switchboard.Chat;
using Switchboard.Handlers;
using Switchboard.Services;
using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.AspNetCore;

/// <summary>
/// <c>listenOptions.UseSwitchboard</c>: Switchboard handlers on a real Kestrel listener (loopback, port 0), talked to
/// over real sockets, with Kestrel's own TLS in front in one case.
/// </summary>
public sealed class KestrelAdapterTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EchoReturns64KiBSentInPiecesAndReadInPartsByteForByte()
    {
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(new EchoService()));
        var data = RandomNumberGenerator.GetBytes(64 * 1024);
        using var socket = await TestClient.ConnectAsync(host.Endpoint);

        // Sent in uneven pieces while the reply is read in small parts: the handler sees partial reads both ways.
        async Task SendInPiecesAsync()
        {
            for (var offset = 0; offset < data.Length;)
            {
                var piece = Math.Min(data.Length - offset, 1 + (offset * 7919 % 9000));
                await socket.SendAllAsync(data.AsMemory(offset, piece));
                offset += piece;
            }

            socket.Shutdown(SocketShutdown.Send);
        }

        var sending = SendInPiecesAsync();
        var echoed = await socket.ReadToEndAsync(chunk: 1000);
        await sending;

        Assert.Equal(data.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(echoed));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APeerThatShutsDownItsWriteSideStillReadsWhatTheHandlerSendsAfterTheEnd()
    {
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(new CountThenReply()));
        using var socket = await TestClient.ConnectAsync(host.Endpoint);

        await socket.SendAllAsync(new byte[10_000]);
        socket.Shutdown(SocketShutdown.Send);

        // The reply is written after the handler saw the end of input (a completed read): the half-close reached it.
        Assert.Equal("10000 bytes, then the end\n", Encoding.ASCII.GetString(await socket.ReadToEndAsync()));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheHandlerSeesBothEndpointsAsTheClientDoes()
    {
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(new SayEndpoints()));
        using var socket = await TestClient.ConnectAsync(host.Endpoint);

        var line = Encoding.ASCII.GetString(await socket.ReadToEndAsync());

        var client = (IPEndPoint)socket.LocalEndPoint!;
        Assert.Equal($"{client.Address}:{client.Port} on {host.Endpoint}\n", line);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TwoChatMembersSeeEachOthersLines()
    {
        await using var host = await KestrelHost.StartAsync(
            l => l.UseSwitchboard<ChatService>(),
            services => services.AddSingleton(_ => new ChatService()));

        using var alice = await ChatClient.JoinAsync(host.Endpoint, "alice");
        using var bob = await ChatClient.JoinAsync(host.Endpoint, "bob");
        await alice.ExpectAsync("*** bob joined lobby");
        await alice.SendAsync("hello, bob");
        await bob.SendAsync("hi, alice");

        Assert.Equal("<alice> hello, bob", await bob.ExpectAsync(l => l.StartsWith('<')));
        Assert.Equal("<bob> hi, alice", await alice.ExpectAsync(l => l.StartsWith('<')));
        await bob.SendAsync("/quit");
        await alice.ExpectAsync("*** bob left lobby (quit)");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AChatMemberThatResetsLeavesAsALostConnectionAndIsNotLoggedAsAHandlerError()
    {
        await using var host = await KestrelHost.StartAsync(
            l => l.UseSwitchboard<ChatService>(),
            services => services.AddSingleton(_ => new ChatService()));
        using var alice = await ChatClient.JoinAsync(host.Endpoint, "alice");
        var bob = await ChatClient.JoinAsync(host.Endpoint, "bob");
        await alice.ExpectAsync("*** bob joined lobby");

        // RST, not FIN: Kestrel's transport fails bob's read with its own ConnectionResetException, which the chat
        // sees as the library's (a lost connection), as on a Switchboard server.
        bob.Socket.LingerState = new LingerOption(true, 0);
        bob.Dispose();

        await alice.ExpectAsync("*** bob left lobby (connection lost)");

        // The chat took the loss in its stride (as on a Switchboard server, its close reads as its own end), and the
        // adapter logged the close, not a failure.
        Assert.True(await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Message.Contains(" closed (", StringComparison.Ordinal))));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AResetBehindUseHttpsReachesTheHandlerAsTheLibrarysConnectionResetException()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var leaf = TestCertificates.CreateLeaf(authority);
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await KestrelHost.StartAsync(
            l =>
            {
                l.UseHttps(leaf);
                l.UseSwitchboard(new ReadsUntilItFails(seen));
            },
            tls: true);
        var client = await TlsTestClient.ConnectAsync(host.Endpoint, leaf);
        await client.SendAsync("x"u8.ToArray());
        Assert.Equal("x"u8.ToArray(), await client.ReadExactlyAsync(1));

        client.Socket.LingerState = new LingerOption(true, 0);
        client.Socket.Close();
        client.Dispose();

        var failure = await seen.Task;
        Assert.IsType<Switchboard.Transport.ConnectionResetException>(failure);
        Assert.True(await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Message.Contains("closed (peer_reset)", StringComparison.Ordinal))));
        Assert.DoesNotContain(host.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    /// <summary>Echoes what it reads; records the exception its read ends with, and lets it go on up.</summary>
    private sealed class ReadsUntilItFails(TaskCompletionSource<Exception> seen) : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    var result = await connection.Input.ReadAsync(cancellationToken);
                    foreach (var segment in result.Buffer)
                    {
                        await connection.Output.WriteAsync(segment, cancellationToken);
                    }

                    connection.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted)
                    {
                        seen.TrySetException(new InvalidOperationException("the read completed instead of failing"));
                        return;
                    }
                }
            }
            catch (Exception e)
            {
                seen.TrySetResult(e);
                throw;
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheChatsNickDeadlineFiresOnTheAdaptersHeartbeat()
    {
        var chat = new ChatService(new ChatOptions { NickTimeout = TimeSpan.FromMilliseconds(600) });
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(chat));
        using var silent = await ChatClient.ConnectAsync(host.Endpoint);

        // No nick: the message deadline the chat set is checked by the adapter's heartbeat, and the chat says why.
        var lines = await silent.ReadToEndAsync();
        Assert.Contains(lines, l => l.Contains("nick", StringComparison.OrdinalIgnoreCase));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AMessageUnfinishedPastItsDeadlineIsClosedWithFrameTimeout()
    {
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(new OneMessageWithin(TimeSpan.FromMilliseconds(300))));
        using var socket = await TestClient.ConnectAsync(host.Endpoint);
        await socket.SendAllAsync("half a mess"u8.ToArray());

        Assert.True(await EndsWithoutDataAsync(socket));
        Assert.True(await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Message.Contains("closed (frame_timeout)", StringComparison.Ordinal))));
        Assert.True(await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Message.Contains("message unfinished after", StringComparison.Ordinal))));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task WaitForInputTimesOutOnSilenceAndThenSeesTheNextBytes()
    {
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(new WaitThenEcho()));
        using var socket = await TestClient.ConnectAsync(host.Endpoint);

        Assert.Equal("quiet\n", Encoding.ASCII.GetString(await socket.ReadExactlyAsync(6)));
        await socket.SendAllAsync("ping"u8.ToArray());
        Assert.Equal("ping", Encoding.ASCII.GetString(await socket.ReadExactlyAsync(4)));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task UseHttpsInFrontHandsTheHandlerDecryptedPipes()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var leaf = TestCertificates.CreateLeaf(authority);
        await using var host = await KestrelHost.StartAsync(
            l =>
            {
                l.UseHttps(leaf);
                l.UseSwitchboard(new EchoService());
            },
            tls: true);
        using var client = await TlsTestClient.ConnectAsync(host.Endpoint, leaf);
        var data = RandomNumberGenerator.GetBytes(20_000);

        await client.SendAsync(data);
        Assert.Equal(data, await client.ReadExactlyAsync(data.Length));
        await client.HalfCloseAsync();
        Assert.Empty(await client.ReadToEndAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AHandlerThatThrowsEndsItsConnectionOnlyAndIsLoggedOnce()
    {
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(new ThrowsOnX()));

        using (var bad = await TestClient.ConnectAsync(host.Endpoint))
        {
            await bad.SendAllAsync("x"u8.ToArray());
            Assert.True(await EndsWithoutDataAsync(bad));
        }

        // The server goes on: the next connection is served.
        using var good = await TestClient.ConnectAsync(host.Endpoint);
        await good.SendAllAsync("fine"u8.ToArray());
        good.Shutdown(SocketShutdown.Send);
        Assert.Equal("fine", Encoding.ASCII.GetString(await good.ReadToEndAsync()));
        Assert.True(await Eventually.TrueAsync(() => host.Logs.GetSnapshot().Any(r => r.Message.Contains("closed (error)", StringComparison.Ordinal))));
        var failure = Assert.Single(host.Logs.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Contains("the ThrowsOnX handler failed: x is not allowed", failure.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task StoppingTheHostTellsTheHandlerWhichFinishesAndClosesCleanly()
    {
        var handler = new ByeOnStop();
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard(handler));
        using var socket = await TestClient.ConnectAsync(host.Endpoint);
        await handler.Started.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        var stopping = host.StopAsync();

        Assert.Equal("bye\n", Encoding.ASCII.GetString(await socket.ReadToEndAsync()));
        await stopping.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Contains(host.Logs.GetSnapshot(), r => r.Message.Contains("closed (completed)", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AHandlerFromTheContainerIsTheRegisteredOne()
    {
        var registered = new SayEndpoints();
        await using var host = await KestrelHost.StartAsync(l => l.UseSwitchboard<SayEndpoints>(), services => services.AddSingleton(registered));
        using var socket = await TestClient.ConnectAsync(host.Endpoint);

        Assert.EndsWith($" on {host.Endpoint}\n", Encoding.ASCII.GetString(await socket.ReadToEndAsync()), StringComparison.Ordinal);
        Assert.Equal(1, registered.Served);
    }

    /// <summary>
    /// True when the server ends the connection without sending anything: with a FIN, or a reset (an aborted
    /// connection with bytes it never read is reset by the kernel; either way the client sees it end).
    /// </summary>
    private static async Task<bool> EndsWithoutDataAsync(Socket socket)
    {
        try
        {
            return (await socket.ReadToEndAsync()).Length == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }

    /// <summary>Counts what arrives until the end of input, then says so: proves the half-close reached the handler.</summary>
    private sealed class CountThenReply : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            long count = 0;
            while (true)
            {
                var result = await connection.Input.ReadAsync(cancellationToken);
                count += result.Buffer.Length;
                connection.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }

            await connection.Output.WriteAsync(Encoding.ASCII.GetBytes($"{count} bytes, then the end\n"), cancellationToken);
        }
    }

    private sealed class SayEndpoints : IStreamHandler
    {
        private int _served;

        public int Served => _served;

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _served);
            await connection.Output.WriteAsync(Encoding.ASCII.GetBytes($"{connection.RemoteText} on {connection.LocalEndpoint}\n"), cancellationToken);
        }
    }

    /// <summary>Opens a message that never ends and reads on: the deadline must close it.</summary>
    private sealed class OneMessageWithin(TimeSpan timeout) : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            connection.BeginMessage(timeout);
            while (true)
            {
                var result = await connection.Input.ReadAsync(cancellationToken);
                connection.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
    }

    private sealed class WaitThenEcho : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            if (!await connection.WaitForInputAsync(TimeSpan.FromMilliseconds(200), cancellationToken))
            {
                await connection.Output.WriteAsync("quiet\n"u8.ToArray(), cancellationToken);
            }

            Assert.True(await connection.WaitForInputAsync(Timeout.InfiniteTimeSpan, cancellationToken));
            var result = await connection.Input.ReadAsync(cancellationToken);
            await connection.Output.WriteAsync(System.Buffers.BuffersExtensions.ToArray(result.Buffer), cancellationToken);
            connection.Input.AdvanceTo(result.Buffer.End);
        }
    }

    private sealed class ThrowsOnX : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var result = await connection.Input.ReadAsync(cancellationToken);
            if (result.Buffer.FirstSpan[0] == (byte)'x')
            {
                throw new InvalidOperationException("x is not allowed");
            }

            connection.Input.AdvanceTo(result.Buffer.Start);
            await new EchoService().HandleAsync(connection, cancellationToken);
        }
    }

    private sealed class ByeOnStop : IStreamHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var registration = connection.ServerStopping.Register(stopped.SetResult);
            Started.SetResult();
            await stopped.Task.WaitAsync(cancellationToken);
            await connection.Output.WriteAsync("bye\n"u8.ToArray(), cancellationToken);
        }
    }
}
