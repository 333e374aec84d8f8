using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Chat;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Chat;

/// <summary>
/// The idle timeout for the chat means "the connection is dead", not "the member is silent": a lurker stays, a
/// telnet client that stops answering the probe is told and closed. With a 1 s idle timeout to keep tests short.
/// </summary>
public sealed class ChatIdleTests
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task QuietMembersStayWhileATelnetClientThatStopsAnsweringIsToldAndClosed(ConcurrencyModel model)
    {
        await using var server = ChatTestServer.Start(model: model, configure: o => o.IdleTimeout = Idle);
        using var closed = server.Meters.Collect("switchboard.connections.closed");
        using var lurker = await server.JoinAsync("lurker");
        await lurker.SendAsync("/join quiet");
        await lurker.ExpectAsync(l => l.StartsWith("*** You are now in quiet", StringComparison.Ordinal));
        using var watcher = await server.JoinAsync("watcher");

        // IAC NOP first: a telnet client, so it is probed with IAC DO TIMING-MARK; it never answers.
        using var dead = await TestClient.ConnectAsync(server.Endpoint);
        await dead.SendAllAsync((byte[])[255, 241, .. "dead\n"u8.ToArray()]);
        await watcher.ExpectAsync("*** dead joined lobby");
        var received = await dead.ReadToEndAsync(); // a FIN after the notice, not a reset
        Assert.True(received.AsSpan().IndexOf(new byte[] { 255, 253, 6 }) >= 0, "the silent telnet client was not probed with DO TIMING-MARK");
        Assert.Contains("*** No answer from your client for 1 s. Disconnecting.\r\n", Encoding.UTF8.GetString(received), StringComparison.Ordinal);
        await watcher.ExpectAsync("*** dead left lobby (idle)");
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Any(m => (string?)m.Tags["error.type"] == "idle_timeout")));

        // The lurker has said and heard nothing for over two idle timeouts; it is still a member.
        await watcher.SendAsync("/msg lurker still there?");
        Assert.Equal("-> *lurker* still there?", await watcher.ReadReplyAsync());
        Assert.Equal("*watcher* still there?", await lurker.ReadLineAsync());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DebianTelnetAnswersTheIdleProbeAndStays()
    {
        await using var server = ChatTestServer.Start(configure: o => o.IdleTimeout = Idle);
        using var bob = await server.JoinAsync("bob");
        var port = server.Endpoint.Port.ToString(CultureInfo.InvariantCulture);
        using var telnet = await TmuxTerminal.StartAsync($"telnet 127.0.0.1 {port}");
        await telnet.WaitForAsync("*** Choose a nick");
        await telnet.TypeLineAsync("alice");
        await bob.ExpectAsync("*** alice joined lobby");

        // The clock: a telnet client that joins after alice and never answers is closed two idle timeouts after
        // its last byte, so alice has been silent at least that long and has been probed.
        using var dead = await TestClient.ConnectAsync(server.Endpoint);
        await dead.SendAllAsync((byte[])[255, 241, .. "dead\n"u8.ToArray()]);
        await bob.ExpectAsync("*** dead joined lobby");
        await bob.ExpectAsync("*** dead left lobby (idle)");

        await bob.SendAsync("/msg alice ping");
        Assert.Equal("-> *alice* ping", await bob.ReadReplyAsync());
        await telnet.WaitForAsync("*bob* ping");
        var screen = await telnet.ScreenAsync();
        Assert.DoesNotContain("Connection closed", screen, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AConnectionSilentBeforeItsNickIsToldBeforeItIsClosed()
    {
        await using var server = ChatTestServer.Start(configure: o => o.IdleTimeout = Idle);
        using var silent = await TestClient.ConnectAsync(server.Endpoint);
        var text = Encoding.UTF8.GetString(await silent.ReadToEndAsync());
        Assert.StartsWith("*** Welcome", text, StringComparison.Ordinal);
        Assert.EndsWith("*** Nothing received for 1 s. Disconnecting.\r\n", text, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ChatTurnsOnTcpKeepAliveForAQuietMember()
    {
        // A raw client cannot be probed in the stream without showing it bytes: the kernel's keepalive does it.
        using var chat = new ChatService();
        var seen = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = TestServer.Start(new Recording(chat, seen), ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"), o => o.IdleTimeout = Idle);
        using var lurker = await ChatClient.JoinAsync(server.Listeners[0].Endpoint, "lurker");
        var socket = (await seen.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken)).IO.Socket;
        Assert.True(await Eventually.TrueAsync(() => (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0));
        Assert.Equal(1, (int)socket.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!); // the idle timeout, in seconds
        await lurker.SendAsync("/who");
        Assert.Equal("*** 1 in lobby:", await lurker.ReadReplyAsync());
    }

    private sealed class Recording(ChatService chat, TaskCompletionSource<Connection> seen) : IStreamHandler
    {
        public ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            seen.TrySetResult(connection);
            return chat.HandleAsync(connection, cancellationToken);
        }
    }
}
