using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Switchboard.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>Slowloris before and after a nick: the nick must come within the nick timeout, every line within the line timeout.</summary>
public sealed class ChatTimeoutTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AConnectionThatNeverChoosesANickIsToldAndClosed()
    {
        await using var server = ChatTestServer.Start(new ChatOptions { NickTimeout = TimeSpan.FromSeconds(1) });
        using var closed = server.Meters.Collect("switchboard.connections.closed");
        using var client = await TestClient.ConnectAsync(server.Endpoint);
        await client.SendAllAsync("not a nick!\n"u8.ToArray()); // talking is not enough: a nick must be chosen
        var watch = Stopwatch.StartNew();
        var text = Encoding.UTF8.GetString(await client.ReadToEndAsync());
        Assert.Contains("*** Invalid nick", text, StringComparison.Ordinal);
        Assert.EndsWith("*** No nick chosen within 1 s. Disconnecting.\r\n", text, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"closed after {watch.Elapsed}");
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1));
        Assert.Equal("limit", closed.GetMeasurementSnapshot()[0].Tags["error.type"]);
        Assert.Equal(0, server.Service.Hub.MemberCount);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AMemberWhoChoseANickInTimeStays()
    {
        await using var server = ChatTestServer.Start(new ChatOptions { NickTimeout = TimeSpan.FromSeconds(1) });
        using var alice = await server.JoinAsync("alice");
        using var clock = await TestClient.ConnectAsync(server.Endpoint);
        Assert.Contains("No nick chosen", Encoding.UTF8.GetString(await clock.ReadToEndAsync()), StringComparison.Ordinal);
        await alice.SendAsync("/who");
        Assert.Equal("*** 1 in lobby:", await alice.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ALineDribbledAByteAtATimeIsClosedAtTheLineTimeout()
    {
        await using var server = ChatTestServer.Start(new ChatOptions { MaxLineRate = 0 }, lineTimeout: TimeSpan.FromSeconds(1));
        using var closed = server.Meters.Collect("switchboard.connections.closed");
        using var bob = await server.JoinAsync("bob");
        using var dribbler = await server.JoinAsync("dribbler");
        await bob.ExpectAsync("*** dribbler joined lobby");
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var dribbling = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await dribbler.Socket.SendAsync("x"u8.ToArray(), SocketFlags.None);
                    await Task.Delay(300, stop.Token);
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // closed by the server, or the test is over
            }
        }, TestContext.Current.CancellationToken);

        var told = await dribbler.ExpectAsync(l => l.StartsWith("*** Line", StringComparison.Ordinal));
        Assert.Equal("*** Line not finished within 1 s. Disconnecting.", told);
        await bob.ExpectAsync("*** dribbler left lobby (line timeout)");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"closed after {watch.Elapsed}");
        await stop.CancelAsync();
        await dribbling;
        Assert.True(await Eventually.TrueAsync(() => closed.GetMeasurementSnapshot().Count == 1));
        Assert.Equal("limit", closed.GetMeasurementSnapshot()[0].Tags["error.type"]);

        // Whole lines, however far apart, never trip it.
        await bob.SendAsync("still here");
        await bob.SendAsync("/who");
        Assert.Equal("*** 1 in lobby:", await bob.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ALineDribbledBeforeANickIsClosedAtTheLineTimeoutThoughTheNickTimeoutIsLonger()
    {
        await using var server = ChatTestServer.Start(new ChatOptions { NickTimeout = TimeSpan.FromMinutes(5), MaxLineRate = 0 }, lineTimeout: TimeSpan.FromSeconds(1));
        using var client = await TestClient.ConnectAsync(server.Endpoint);
        await client.SendAllAsync("bad nick!\n"u8.ToArray()); // a whole line first: it must not start the line deadline
        using var stop = new CancellationTokenSource();
        var watch = Stopwatch.StartNew();
        var dribbling = Task.Run(async () =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await client.SendAsync("x"u8.ToArray(), SocketFlags.None);
                    await Task.Delay(300, stop.Token);
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // closed by the server, or the test is over
            }
        }, TestContext.Current.CancellationToken);

        var text = Encoding.UTF8.GetString(await client.ReadToEndAsync());
        await stop.CancelAsync();
        await dribbling;
        Assert.Contains("*** Invalid nick", text, StringComparison.Ordinal);
        Assert.EndsWith("*** Line not finished within 1 s. Disconnecting.\r\n", text, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"closed after {watch.Elapsed}");
    }
}
