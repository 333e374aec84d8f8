using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Samples;

/// <summary>Samples.AspNetCoreChat: HTTP and a chat port side by side in one Kestrel, from appsettings.json, ports overridden to 0.</summary>
public sealed class AspNetCoreChatSampleTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task HttpAndTheChatAnswerBesideEachOtherAndSigtermStopsTheAppCleanly()
    {
        await using var sample = SampleProcess.Start(
            "Samples.AspNetCoreChat",
            "--Kestrel:Endpoints:Http:Url=http://127.0.0.1:0",
            "--Kestrel:Endpoints:Chat:Url=http://127.0.0.1:0");
        var chatLine = await sample.WaitForLineAsync(l => l.StartsWith("listening on tcp://", StringComparison.Ordinal) && l.EndsWith("(chat)", StringComparison.Ordinal));
        var httpLine = await sample.WaitForLineAsync(l => l.StartsWith("listening on http://", StringComparison.Ordinal) && l.EndsWith("(http)", StringComparison.Ordinal));
        Assert.True(chatLine is not null && httpLine is not null, sample.StandardError);
        var chat = EndpointUri.Parse(chatLine.Split(' ')[2]);
        var http = new Uri(httpLine.Split(' ')[2]);

        using var web = new HttpClient { BaseAddress = http, Timeout = TestTimeouts.Io };
        Assert.Contains("chat", await web.GetStringAsync("/", TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal("Healthy", await web.GetStringAsync("/health", TestContext.Current.CancellationToken));

        // One member as nc talks (LF), one as telnet does (CR LF): each sees the other's line.
        using var alice = await ChatClient.JoinAsync(chat, "alice");
        using var bob = await ChatClient.ConnectAsync(chat);
        await bob.SendRawAsync("bob\r\n"u8.ToArray());
        await bob.ExpectAsync(l => l.Contains("*** Hello bob.", StringComparison.Ordinal)); // after the server's IAC DO BINARY
        await alice.ExpectAsync("*** bob joined lobby");
        await bob.SendRawAsync("hello from telnet\r\n"u8.ToArray());
        Assert.Equal("<bob> hello from telnet", await alice.ExpectAsync(l => l.StartsWith('<')));
        await alice.SendAsync("hello from nc");
        Assert.Equal("<alice> hello from nc", await bob.ExpectAsync(l => l.StartsWith('<')));

        // SIGTERM: the host stops Kestrel, the chat says goodbye to its members, the process exits 0.
        sample.Signal(15);
        var farewell = await alice.ReadToEndAsync();
        Assert.NotEmpty(farewell);
        Assert.Equal(0, await sample.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        using var late = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<SocketException>(async () => await late.ConnectAsync(chat.ToEndPoint(), TestContext.Current.CancellationToken));
    }
}
