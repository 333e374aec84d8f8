using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Switchboard.Chat;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>The chat's behaviour on real sockets: notices, broadcast, commands, telnet and text hygiene.</summary>
public sealed class ChatServerTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task JoinAndLeaveNoticesNameTheMemberHoweverItGoes()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");

        using (var bob = await server.JoinAsync("bob"))
        {
            await alice.ExpectAsync("*** bob joined lobby");
            await bob.SendAsync("/quit");
            await alice.ExpectAsync("*** bob left lobby (quit)");
        }

        var carol = await server.JoinAsync("carol");
        await alice.ExpectAsync("*** carol joined lobby");
        carol.Socket.Reset();
        carol.Dispose();
        await alice.ExpectAsync("*** carol left lobby (connection lost)");

        using (var dave = await server.JoinAsync("dave"))
        {
            await alice.ExpectAsync("*** dave joined lobby");
            dave.Socket.Shutdown(SocketShutdown.Send);
            await alice.ExpectAsync("*** dave left lobby (disconnected)");
        }

        using var erin = await server.JoinAsync("erin");
        await erin.SendAsync("/quit gone fishing");
        await alice.ExpectAsync("*** erin joined lobby");
        await alice.ExpectAsync("*** erin left lobby (quit: gone fishing)");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APlainLineGoesToEveryoneElseInTheRoomButNotBackToTheSender()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        using var carol = await server.JoinAsync("carol");
        await alice.SendAsync("hello, room");
        await alice.SendAsync("/rooms");
        Assert.Equal("<alice> hello, room", await bob.ExpectAsync(l => l.StartsWith('<')));
        Assert.Equal("<alice> hello, room", await carol.ExpectAsync(l => l.StartsWith('<')));

        // The sender's queue is in order: had its own line come back, it would precede the /rooms answer.
        var before = new List<string>();
        await alice.ExpectAsync(l => l.StartsWith("*** Rooms:", StringComparison.Ordinal), before);
        Assert.DoesNotContain(before, l => l.Contains("hello, room", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task MembersOnDifferentEventLoopsHearEachOtherInOrder()
    {
        // Four loops, eight members: round robin puts neighbours on different loops, so every line crosses loops.
        await using var server = ChatTestServer.Start(configure: o => o.AsyncLoops = 4);
        var members = new List<ChatClient>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                members.Add(await server.JoinAsync($"m{i}"));
            }

            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < members.Count; i++)
                {
                    await members[i].SendAsync($"line {round} from m{i}");
                }
            }

            // Each member hears the other seven, three lines each, every sender's lines in the order sent.
            foreach (var (member, index) in members.Select((m, i) => (m, i)))
            {
                var heard = new List<string>();
                while (heard.Count < 21)
                {
                    heard.Add(await member.ExpectAsync(l => l.StartsWith('<')));
                }

                for (var sender = 0; sender < members.Count; sender++)
                {
                    var fromSender = heard.Where(l => l.StartsWith($"<m{sender}>", StringComparison.Ordinal)).ToList();
                    string[] expected = sender == index ? [] : [.. Enumerable.Range(0, 3).Select(r => $"<m{sender}> line {r} from m{sender}")];
                    Assert.Equal(expected, fromSender);
                }
            }
        }
        finally
        {
            members.ForEach(m => m.Dispose());
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnInvalidOrTakenNickGetsAClearMessageAndAnotherPrompt()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var newcomer = await ChatClient.ConnectAsync(server.Endpoint);
        await newcomer.SendAsync("no spaces allowed");
        Assert.StartsWith("*** Invalid nick: use 1-16 letters", await newcomer.ReadReplyAsync(), StringComparison.Ordinal);
        await newcomer.SendAsync("a_nick_far_too_long_to_accept");
        Assert.StartsWith("*** Invalid nick", await newcomer.ReadReplyAsync(), StringComparison.Ordinal);
        await newcomer.SendAsync("ALICE");
        Assert.Equal("*** Nick ALICE is taken. Choose a nick:", await newcomer.ReadReplyAsync());
        await newcomer.SendAsync("alice2");
        Assert.Equal("*** Hello alice2. You are in lobby with 1 other.", await newcomer.ReadReplyAsync());
        await alice.ExpectAsync("*** alice2 joined lobby");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task WhoListsTheMembersOfTheRoom()
    {
        await using var server = ChatTestServer.Start();
        using var carol = await server.JoinAsync("carol");
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        await bob.SendAsync("/join elsewhere");
        await alice.ExpectAsync("*** bob left lobby (joined elsewhere)");
        await alice.SendAsync("/who");
        Assert.Equal("*** 2 in lobby:", await alice.ReadReplyAsync());
        Assert.Equal("***   alice, carol", await alice.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task MsgReachesOnlyTheNamedMember()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        using var carol = await server.JoinAsync("carol");
        await alice.SendAsync("/msg BOB just between us");
        Assert.Equal("-> *BOB* just between us", await alice.ReadReplyAsync());
        Assert.Equal("*alice* just between us", await bob.ExpectAsync(l => !l.StartsWith("***", StringComparison.Ordinal)));
        await alice.SendAsync("/msg zed anyone?");
        Assert.Equal("*** No such nick: zed", await alice.ReadReplyAsync());
        await alice.SendAsync("/msg bob");
        Assert.Equal("*** Usage: /msg NICK text", await alice.ReadReplyAsync());

        // carol's next message is the public marker: the private one never reached her.
        await alice.SendAsync("marker");
        Assert.Equal("<alice> marker", await carol.ExpectAsync(l => !l.StartsWith("***", StringComparison.Ordinal)));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task NickChangesAreAnnouncedAndTakenNicksRefused()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        await alice.ExpectAsync("*** bob joined lobby");
        await alice.SendAsync("/nick ally");
        Assert.Equal("*** You are now ally.", await alice.ReadReplyAsync());
        await bob.ExpectAsync("*** alice is now known as ally");
        await alice.SendAsync("/nick Bob");
        Assert.Equal("*** Nick Bob is taken.", await alice.ReadReplyAsync());
        await alice.SendAsync("/nick bad!");
        Assert.StartsWith("*** Invalid nick", await alice.ReadReplyAsync(), StringComparison.Ordinal);
        await alice.SendAsync("/nick ALLY");
        Assert.Equal("*** You are now ALLY.", await alice.ReadReplyAsync());
        await alice.SendAsync("still me");
        await bob.ExpectAsync("<ALLY> still me");

        // The old nick is free again.
        using var other = await server.JoinAsync("alice");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task MeIsAnActionAndDoubleSlashSendsALineThatStartsWithASlash()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        await alice.SendAsync("/me waves");
        await alice.SendAsync("//not a command");
        await bob.ExpectAsync("* alice waves");
        Assert.Equal("<alice> /not a command", await bob.ReadReplyAsync());
        await alice.SendAsync("/me");
        Assert.Equal("*** Usage: /me action", await alice.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task JoinMovesAMemberBetweenRoomsAndRoomsListsThem()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        using var carol = await server.JoinAsync("carol");
        await carol.SendAsync("/join #Games");
        Assert.Equal("*** You are now in games with 0 others.", await carol.ReadReplyAsync());
        await alice.ExpectAsync("*** carol left lobby (joined games)");
        await alice.SendAsync("/join games");
        Assert.Equal("*** You are now in games with 1 other.", await alice.ReadReplyAsync());
        await carol.ExpectAsync("*** alice joined games");
        await bob.ExpectAsync("*** alice left lobby (joined games)");
        await alice.SendAsync("/join games");
        Assert.Equal("*** You are already in games.", await alice.ReadReplyAsync());
        await alice.SendAsync("/join two words");
        Assert.StartsWith("*** Usage: /join ROOM", await alice.ReadReplyAsync(), StringComparison.Ordinal);
        await alice.SendAsync("/rooms");
        Assert.Equal("*** Rooms: games (2), lobby (1)", await alice.ReadReplyAsync());

        await alice.SendAsync("for the games room");
        await carol.ExpectAsync("<alice> for the games room");
        await carol.SendAsync("/join lobby");
        await bob.ExpectAsync("*** carol joined lobby");
        await carol.SendAsync("back in the lobby");
        // bob never saw the games room's line: the first chat line he gets is carol's.
        Assert.Equal("<carol> back in the lobby", await bob.ExpectAsync(l => l.StartsWith('<')));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task HelpListsEveryCommandAndAnUnknownCommandSaysSo()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        await alice.SendAsync("/help");
        var help = new List<string>();
        await alice.ExpectAsync(l => l.Contains("start it with //", StringComparison.Ordinal), help);
        foreach (var command in new[] { "/who", "/msg", "/nick", "/me", "/join", "/rooms", "/quit", "/help" })
        {
            Assert.Contains(help, l => l.StartsWith("***   " + command, StringComparison.Ordinal));
        }

        await alice.SendAsync("/dance");
        Assert.Equal("*** Unknown command /dance. Try /help.", await alice.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task QuitSaysByeAndClosesTheConnection()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        await alice.SendAsync("/quit");
        Assert.Equal(["*** Bye."], await alice.ReadToEndAsync());
        Assert.True(await Eventually.TrueAsync(() => server.Service.Hub.MemberCount == 0));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TelnetNegotiationIsRefusedAndNeverRelayed()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        using var raw = await TestClient.ConnectAsync(server.Endpoint);
        byte[] nick = [255, 253, 1, 255, 251, 31, .. "alice\r\n"u8]; // IAC DO ECHO, IAC WILL NAWS
        await raw.SendAllAsync(nick);
        var received = await ReadUntilAsync(raw, "*** Hello alice."u8.ToArray());
        Assert.True(Contains(received, [255, 252, 1]), "DO ECHO was not answered with WONT ECHO");
        Assert.True(Contains(received, [255, 254, 31]), "WILL NAWS was not answered with DONT NAWS");
        Assert.True(Contains(received, [255, 253, 0]), "a telnet client was not asked to transmit binary");
        Assert.Equal(3, received.Count(b => b == 255)); // nothing else: binary is the one option the server asks for

        // Inside a line: subnegotiation, a split command, IAC IAC.
        byte[] line = [.. "hi "u8, 255, 250, 31, 0, 80, 0, 24, 255, 240, .. "there"u8, 255, 241, .. "!"u8, 255, 255, .. "\r\n"u8];
        await raw.SendAllAsync(line);
        Assert.Equal("<alice> hi there!\uFFFD", await bob.ExpectAsync(l => l.StartsWith('<'))); // the lone 0xFF from IAC IAC is not UTF-8
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EscapeSequencesAndControlCharactersAreNeverRelayed()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        await alice.SendRawAsync(Encoding.UTF8.GetBytes("\u001b[2J\u001b[H\u001b]0;owned\u0007hi \u001b[31mred\u001b[0m\u0007\u0008 \u009b1mtab\there\r\n"));
        var line = await bob.ExpectAsync(l => l.StartsWith('<'));
        Assert.Equal("<alice> hi red tab\there", line);
        Assert.DoesNotContain(line, c => c < ' ' && c != '\t' || c is >= '\u007f' and <= '\u009f');
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task Utf8PassesIntactAndInvalidBytesBecomeReplacementCharacters()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        await alice.SendAsync("café, 日本語, Ελληνικά, 😀");
        Assert.Equal("<alice> café, 日本語, Ελληνικά, 😀", await bob.ExpectAsync(l => l.StartsWith('<')));
        await alice.SendRawAsync([.. "a"u8, 0xC3, 0x28, 0x80, .. "b"u8, 0xF0, 0x9F, .. "c\r\n"u8]);
        Assert.Equal("<alice> a\uFFFD(\uFFFDb\uFFFDc", await bob.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnOversizedLineIsDiscardedWholeTheSenderIsToldAndTheRoomGoesOn()
    {
        await using var server = ChatTestServer.Start();
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        var exact = new string('e', 4096 - "max ".Length);
        await alice.SendAsync("max " + exact);
        await alice.SendAsync(new string('x', 100_000));
        await alice.SendAsync("after the long one");
        Assert.Equal("*** Line too long (over 4096 bytes); discarded.", await alice.ReadReplyAsync());
        Assert.Equal("<alice> max " + exact, await bob.ExpectAsync(l => l.StartsWith('<')));
        Assert.Equal("<alice> after the long one", await bob.ReadReplyAsync()); // no part of the long line
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task BeyondMaxMembersANewcomerIsToldTheServerIsFull()
    {
        await using var server = ChatTestServer.Start(new ChatOptions { MaxMembers = 2 });
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        using var third = await TestClient.ConnectAsync(server.Endpoint);
        var text = Encoding.UTF8.GetString(await third.ReadToEndAsync());
        Assert.Equal("*** Server full (2 members). Try again later.\r\n", text);

        await bob.SendAsync("/quit");
        // bob's slot is freed once the server has handled /quit; joining before that is "full", not a bug.
        Assert.True(await Eventually.TrueAsync(() => server.Service.Hub.MemberCount < 2));
        using var carol = await server.JoinAsync("carol"); // a slot freed
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task MetricsCountMembersMessagesAndOverflows()
    {
        await using var server = ChatTestServer.Start();
        using var members = server.Meters.Collect("switchboard.chat.members");
        using var messages = server.Meters.Collect("switchboard.chat.messages");
        using var alice = await server.JoinAsync("alice");
        using var bob = await server.JoinAsync("bob");
        await alice.SendAsync("one");
        await alice.SendAsync("/me two");
        await alice.SendAsync("/msg bob three");
        await bob.ExpectAsync("*alice* three");
        await bob.SendAsync("/quit");
        await alice.ExpectAsync("*** bob left lobby (quit)");
        Assert.Equal(3, messages.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.True(await Eventually.TrueAsync(() => members.Sum() == 1));
        Assert.Equal("Switchboard", Assert.Single(server.Meters.Meters).Name); // the chat's and the server's: one meter from the factory
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task ChatsUnderTheModelAndTellsMembersWhenTheServerStops(ConcurrencyModel model)
    {
        var server = ChatTestServer.Start(model: model);
        await using (server)
        {
            using var alice = await server.JoinAsync("alice");
            using var bob = await server.JoinAsync("bob");
            await alice.ExpectAsync("*** bob joined lobby");
            await bob.SendAsync("hi alice");
            await alice.ExpectAsync("<bob> hi alice");
            await alice.SendAsync("/who");
            Assert.Equal("*** 2 in lobby:", await alice.ReadReplyAsync());
            Assert.Equal("***   alice, bob", await alice.ReadReplyAsync());

            var stopping = server.Server.StopAsync(TestContext.Current.CancellationToken);
            Assert.Contains("*** Server is going down. Bye.", await alice.ReadToEndAsync());
            Assert.Contains("*** Server is going down. Bye.", await bob.ReadToEndAsync());
            await stopping;
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task UnderTheSequentialModelMembersAreServedOneAtATime()
    {
        await using var server = ChatTestServer.Start(model: ConcurrencyModel.Sequential);
        using var alice = await server.JoinAsync("alice");
        using var waiting = await TestClient.ConnectAsync(server.Endpoint); // accepted by the kernel, not yet served
        Assert.False(waiting.HasInputWithin(TimeSpan.FromMilliseconds(300)));
        await alice.SendAsync("/quit");
        Assert.Equal(["*** Bye."], await alice.ReadToEndAsync());
        using var bob = new StreamReader(new NetworkStream(waiting));
        Assert.StartsWith("*** Welcome to Switchboard chat (0 online)", await bob.ReadLineAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadUntilAsync(Socket socket, byte[] marker)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var all = new List<byte>();
        var buffer = new byte[4096];
        while (!Contains([.. all], marker))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            all.AddRange(buffer[..n]);
        }

        return [.. all];
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
