using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Switchboard.Chat;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>The chat's limits under pressure: a flooder, a member that never reads, a thousand members at once.</summary>
public sealed class ChatLimitsTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AFlooderIsSlowedByTheLineRateWhileTheOthersChatOn()
    {
        // Small socket buffers so that TCP's push-back shows within a few KiB instead of megabytes.
        await using var server = ChatTestServer.Start(new ChatOptions { MaxLineRate = 20, LineBurst = 5 }, configure: o => o.Transport.ReceiveBufferSize = 4096);
        using var observer = await server.JoinAsync("observer");
        using var talker = await server.JoinAsync("talker");
        using var flooder = await server.JoinAsync("flooder", s => s.SendBufferSize = 4096);
        await observer.ExpectAsync("*** flooder joined lobby");

        var flood = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"f{i}\n")));
        var sending = Task.Run(async () =>
        {
            try
            {
                var rest = flood.AsMemory();
                while (!rest.IsEmpty)
                {
                    rest = rest[await flooder.Socket.SendAsync(rest, SocketFlags.None)..];
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The test ended the flooder.
            }
        }, TestContext.Current.CancellationToken);

        await observer.ExpectAsync("<flooder> f0");
        var started = Stopwatch.StartNew();
        await observer.ExpectAsync("<flooder> f44");
        var elapsed = started.Elapsed;

        // 44 lines after a burst of 5 at 20 per second take about 2 s; load can only make that longer.
        Assert.True(elapsed >= TimeSpan.FromSeconds(1.5), $"44 flood lines arrived in {elapsed.TotalMilliseconds:F0} ms: the line rate did not hold");

        // Others chat on: the talker's line arrives while the flood is still being paced.
        await talker.SendAsync("still chatting");
        var floodSeen = new List<string>();
        await observer.ExpectAsync("<talker> still chatting", floodSeen);
        Assert.True(floodSeen.Count < 1000, $"{floodSeen.Count} flood lines came before the talker's line");

        // The flooder is pushed back by TCP (the server does not read it), not dropped.
        Assert.False(sending.IsCompleted, "the flooder could send everything: the server read its socket without limit");
        await observer.SendAsync("/who");
        await observer.ExpectAsync("*** 3 in lobby:");
        Assert.Equal("***   flooder, observer, talker", await observer.ExpectAsync(l => l.StartsWith("***   ", StringComparison.Ordinal)));
        Assert.Equal(3, server.Service.Hub.MemberCount);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task AMemberThatNeverReadsIsDroppedWhileTheOthersKeepReceivingEverything(ConcurrencyModel model)
    {
        // A line rate of 500 per second lets one sender push half a megabyte a second: a pace a reading member
        // keeps up with even on a loaded machine, and enough to bury a member that never reads. (With no rate at
        // all a sender moves at memory speed and outruns every socket: that is what the line rate is for.) A fixed
        // 64 KiB send buffer (--send-buffer) keeps loopback autotuning from hiding megabytes for the slow member.
        await using var server = ChatTestServer.Start(new ChatOptions { MaxLineRate = 500, LineBurst = 50, BehindPolicy = ChatBehindPolicy.Disconnect }, model, o => o.Transport.SendBufferSize = 64 * 1024);
        using var overflows = server.Meters.Collect("switchboard.chat.queue_overflows");
        using var observer = await server.JoinAsync("observer");
        using var slow = await server.JoinAsync("slow", s => s.ReceiveBufferSize = 4096);
        using var sender = await server.JoinAsync("sender");
        await observer.ExpectAsync("*** sender joined lobby");

        const int Lines = 2000;
        var payload = new string('m', 1000);
        var observing = Task.Run(async () =>
        {
            var received = 0;
            var sawDrop = false;
            var last = "";
            while (received < Lines || !sawDrop)
            {
                string line;
                try
                {
                    line = await observer.ReadLineAsync();
                }
                catch (EndOfStreamException)
                {
                    throw new EndOfStreamException($"observer closed after {received} lines, drop seen: {sawDrop}, last: {last}");
                }

                last = line.Length > 80 ? line[..80] : line;
                if (line == "*** slow left lobby (too slow)")
                {
                    sawDrop = true;
                }
                else if (line.StartsWith("<sender> ", StringComparison.Ordinal))
                {
                    Assert.Equal($"<sender> {received} {payload}", line); // every line, in order, none lost
                    received++;
                }
            }

            return received;
        }, TestContext.Current.CancellationToken);

        // About 2 MB: far beyond the slow member's queue (1 MiB at most) and its socket buffers.
        var all = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, Lines).Select(i => $"{i} {payload}\n")));
        var pushing = Stopwatch.StartNew();
        for (var rest = all.AsMemory(); !rest.IsEmpty;)
        {
            rest = rest[await sender.Socket.SendAsync(rest, SocketFlags.None, TestContext.Current.CancellationToken)..];
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{model}: the sender pushed {all.Length / 1_000_000.0:F1} MB in {pushing.ElapsedMilliseconds} ms");

        Assert.Equal(Lines, await observing.WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken));
        Assert.DoesNotContain("slow", await server.Service.Hub.MembersOfAsync("lobby", TestContext.Current.CancellationToken));
        Assert.Equal(1, overflows.GetMeasurementSnapshot().EvaluateAsCounter());

        // The slow member's connection is gone (told best effort, then closed or reset).
        Assert.True(await Eventually.TrueAsync(() => server.Server.ActiveConnections == 2));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AThousandMembersJoinInOneBurstDespiteResetsAndAllReceiveOneBroadcast()
    {
        await using var server = ChatTestServer.Start(configure: o =>
        {
            o.MaxConnections = 2000;
            o.Transport.Backlog = 2048;
        });
        const int Members = 1000, Resetters = 100;
        var joining = Stopwatch.StartNew();
        var attempts = Enumerable.Range(0, Members + Resetters).Select(async i =>
        {
            if (i % 11 != 10)
            {
                return await ChatClient.JoinAsync(server.Endpoint, $"m{i}");
            }

            // Resets during the greeting, or halfway through typing a nick: they cost only themselves.
            using var socket = await TestClient.ConnectAsync(server.Endpoint);
            if (i % 2 == 0)
            {
                await socket.SendAllAsync("half a ni"u8.ToArray());
            }

            socket.Reset();
            return null;
        });
        var members = (await Task.WhenAll(attempts)).OfType<ChatClient>().ToList();
        var joined = joining.Elapsed;
        try
        {
            Assert.Equal(Members, members.Count);
            Assert.True(await Eventually.TrueAsync(() => server.Service.Hub.MemberCount == Members));

            var speaker = members[0];
            var first = Stopwatch.StartNew();
            await speaker.SendAsync("hello, all of you");
            await Task.WhenAll(members.Skip(1).Select(m => m.ExpectAsync($"<{speaker.Nick}> hello, all of you")));
            var firstDelivered = first.Elapsed;

            // Once every join notice has been read, a second line measures the fan-out alone.
            var second = Stopwatch.StartNew();
            await speaker.SendAsync("and once more");
            await Task.WhenAll(members.Skip(1).Select(async m => Assert.Equal($"<{speaker.Nick}> and once more", await m.ReadLineAsync())));
            var secondDelivered = second.Elapsed;

            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{Members} members joined (with {Resetters} resets) in {joined.TotalMilliseconds:F0} ms; the first line reached the other {Members - 1} "
                + $"in {firstDelivered.TotalMilliseconds:F0} ms (each read ~1,000 join notices first), the second in {secondDelivered.TotalMilliseconds:F0} ms");
            Assert.Equal(Members, server.Service.Hub.MemberCount);
        }
        finally
        {
            foreach (var member in members)
            {
                member.Dispose();
            }
        }
    }
}
