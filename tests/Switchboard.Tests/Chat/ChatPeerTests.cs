using System.Diagnostics;
using System.Globalization;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>The chat with the clients people really use: Debian's telnet (in tmux) and OpenBSD netcat; the CLI.</summary>
public sealed class ChatPeerTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DebianTelnetChatsWithAPlainSocketMember()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        var port = server.Endpoint.Port.ToString(CultureInfo.InvariantCulture);
        using var telnet = await TmuxTerminal.StartAsync($"telnet 127.0.0.1 {port}");
        await telnet.WaitForAsync("*** Choose a nick");

        await telnet.TypeLineAsync("alice");
        await bob.ExpectAsync("*** alice joined lobby");
        await telnet.TypeLineAsync("hello from telnet, café");
        Assert.Equal("<alice> hello from telnet, café", await bob.ExpectAsync(l => l.StartsWith('<')));

        await bob.SendAsync("hi \u001b[31mtelnet\u001b[0m");
        await telnet.WaitForAsync("<bob> hi telnet");

        // telnet's own command mode: IAC AYT and IAC NOP go out; the server consumes them and relays nothing.
        await telnet.KeysAsync("C-]");
        await telnet.WaitForAsync("telnet>");
        await telnet.TypeLineAsync("send ayt");
        await telnet.TypeLineAsync("after the command");
        Assert.Equal("<alice> after the command", await bob.ExpectAsync(l => l.StartsWith('<')));

        await telnet.TypeLineAsync("/quit");
        var screen = await telnet.WaitForAsync("[exited]");
        Assert.Contains("*** Bye.", screen, StringComparison.Ordinal);
        Assert.Contains("Connection closed by foreign host.", screen, StringComparison.Ordinal);
        await bob.ExpectAsync("*** alice left lobby (quit)");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NetcatChatsAndLeavesWhenItsInputEnds()
    {
        await using var server = ChatTestServer.Start();
        using var bob = await server.JoinAsync("bob");
        var info = new ProcessStartInfo("nc", ["-N", "127.0.0.1", server.Endpoint.Port.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var nc = Process.Start(info)!;
        var lines = new List<string>();
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        nc.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                exited.TrySetResult();
                return;
            }

            lock (lines)
            {
                lines.Add(e.Data.TrimEnd('\r'));
            }
        };
        nc.BeginOutputReadLine();
        try
        {
            await nc.StandardInput.WriteAsync("carol\nhello from nc\n".AsMemory(), TestContext.Current.CancellationToken);
            await nc.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
            await bob.ExpectAsync("*** carol joined lobby");
            Assert.Equal("<carol> hello from nc", await bob.ExpectAsync(l => l.StartsWith('<')));
            await bob.SendAsync("hi carol");
            Assert.True(await Eventually.TrueAsync(() =>
            {
                lock (lines)
                {
                    return lines.Contains("<bob> hi carol");
                }
            }));

            nc.StandardInput.Close(); // nc -N: end of input half-closes the socket
            await bob.ExpectAsync("*** carol left lobby (disconnected)");
            await exited.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
            lock (lines)
            {
                Assert.Equal("*** Hello carol. You are in lobby with 1 other.", lines[2]);
                Assert.DoesNotContain(lines, l => l.Contains('\uFFFD', StringComparison.Ordinal)); // no telnet bytes for a raw client
            }
        }
        finally
        {
            if (!nc.HasExited)
            {
                nc.Kill();
            }
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeChatTellsMembersOnSigtermAndExitsZero()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "chat", "--listen", "tcp://127.0.0.1:0");
        await using (process)
        {
            using var alice = await ChatClient.JoinAsync(endpoints[0], "alice");
            using var bob = await ChatClient.JoinAsync(endpoints[0], "bob");
            await alice.ExpectAsync("*** bob joined lobby");
            process.Signal(15);
            Assert.Contains("*** Server is going down. Bye.", await alice.ReadToEndAsync());
            Assert.Contains("*** Server is going down. Bye.", await bob.ReadToEndAsync());
            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeHelpShowsTheChatLimitsWithTheirDefaults()
    {
        var (code, output, _) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--help");
        Assert.Equal(0, code);
        Assert.Contains("chat (port 7023)", output, StringComparison.Ordinal);
        foreach (var limit in new[] { "--max-line-rate", "--line-burst", "--max-queue-bytes", "--soft-queue-bytes", "--soft-queue-grace", "--behind", "--write-deadline", "--max-members", "--max-line", "--idle-timeout", "--nick-timeout" })
        {
            var line = output.Split('\n').Single(l => l.TrimStart().StartsWith(limit + " ", StringComparison.Ordinal));
            Assert.Contains("[default: ", line, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeChatNickTimeoutClosesAConnectionThatNeverChoosesANick()
    {
        var (process, endpoints) = await CliProcess.ServeAsync(1, "chat", "--listen", "tcp://127.0.0.1:0", "--nick-timeout", "1s");
        await using (process)
        {
            using var silent = await TestClient.ConnectAsync(endpoints[0]);
            var text = System.Text.Encoding.UTF8.GetString(await silent.ReadToEndAsync());
            Assert.EndsWith("*** No nick chosen within 1 s. Disconnecting.\r\n", text, StringComparison.Ordinal);
        }
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("soon")]
    [InlineData("2000h")]
    public async Task ServeChatRefusesANickTimeoutThatCannotWork(string value)
    {
        var (code, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "chat", "--listen", "tcp://127.0.0.1:0", "--nick-timeout", value);
        Assert.Equal(2, code);
        Assert.Contains("--nick-timeout", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }
}
