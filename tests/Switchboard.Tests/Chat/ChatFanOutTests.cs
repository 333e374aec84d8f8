using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Switchboard.Chat;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>
/// Fan-out v2 over real sockets: a member behind under skip and under disconnect, a member that takes nothing,
/// readers that keep up with a paste and with one read of 2,000 lines, and each sender's order kept.
/// </summary>
public sealed class ChatFanOutTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ASlowMemberUnderSkipIsToldAtEachGapHowManyLinesItMissedStaysAndGetsLaterLines()
    {
        // Small limits and socket buffers, so a few hundred KiB bury the member that does not read.
        var options = new ChatOptions { MaxLineRate = 0, MaxQueuedBytes = 64 * 1024, SoftQueuedBytes = 16 * 1024 };
        await using var server = ChatTestServer.Start(options, configure: o => o.Transport.SendBufferSize = 8192);
        using var dropped = server.Meters.Collect("switchboard.chat.lines_dropped");
        using var slow = await server.JoinAsync("slow", s => s.ReceiveBufferSize = 4096);
        using var sender = await server.JoinAsync("sender");
        await slow.ExpectAsync("*** sender joined lobby");

        const int Lines = 2000;
        var payload = new string('s', 200);
        await sender.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, Lines).Select(i => $"{i} {payload}\n"))));
        Assert.True(await Eventually.TrueAsync(() => dropped.GetMeasurementSnapshot().EvaluateAsCounter() > 0), "nothing was dropped for the member that does not read");
        await sender.SendAsync("after");

        // Now it reads: lines in order from 0, one notice just before the gap that says exactly how many, then the
        // newest lines in order. One gap only: the member never read, so once its socket was full nothing of what
        // was queued left, and every drop after that widened the same gap.
        var next = 0;
        var told = 0;
        var notices = 0;
        var received = 0;
        var last = -1;
        while (true)
        {
            var line = await slow.ReadLineAsync();
            if (line == "<sender> after")
            {
                break;
            }

            if (line.StartsWith("*** ", StringComparison.Ordinal))
            {
                Assert.Matches(@"^\*\*\* \d+ lines dropped$", line);
                Assert.Equal(0, told); // a second notice before any line would be one gap told twice
                told = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                notices++;
                continue;
            }

            var seq = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal($"<sender> {next + told} {payload}", line);
            told = 0;
            next = seq + 1;
            last = seq;
            received++;
        }

        Assert.Equal(1, notices);
        Assert.Equal(0, told);
        Assert.Equal(Lines - 1, last); // the newest lines are the ones kept
        Assert.Equal(Lines, received + dropped.GetMeasurementSnapshot().EvaluateAsCounter()); // every line either arrived or was told of

        // It stays, and hears what comes next.
        Assert.Contains("slow", await server.Service.Hub.MembersOfAsync("lobby", TestContext.Current.CancellationToken));
        await sender.SendAsync("still there?");
        Assert.Equal("<sender> still there?", await slow.ReadLineAsync());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ASlowMemberUnderDisconnectIsToldAndDisconnectedWhileTheSenderStays()
    {
        var options = new ChatOptions
        {
            MaxLineRate = 0,
            MaxQueuedBytes = 64 * 1024,
            SoftQueuedBytes = 16 * 1024,
            BehindPolicy = ChatBehindPolicy.Disconnect,
            CloseTimeout = TimeSpan.FromSeconds(30), // the notice must not lose a race with the reset
        };
        await using var server = ChatTestServer.Start(options, configure: o => o.Transport.SendBufferSize = 8192);
        using var overflows = server.Meters.Collect("switchboard.chat.queue_overflows");
        using var slow = await server.JoinAsync("slow", s => s.ReceiveBufferSize = 4096);
        using var sender = await server.JoinAsync("sender");
        await slow.ExpectAsync("*** sender joined lobby");

        var payload = new string('d', 200);
        await sender.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i} {payload}\n"))));
        await sender.ExpectAsync("*** slow left lobby (too slow)");

        // What was queued, then the notice, then a clean end of stream (no reset): a member that reads gets its
        // farewell well within the close timeout, and never may a line be skipped.
        var rest = await slow.ReadToEndAsync();
        Assert.Equal("*** You are too far behind (over 65536 bytes queued, or over 16384 for 10 s). Disconnecting.", rest[^1]);
        Assert.DoesNotContain(rest, l => l.Contains("dropped", StringComparison.Ordinal));
        Assert.Equal(1, overflows.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(["sender"], await server.Service.Hub.MembersOfAsync("lobby", TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ChatBehindPolicy.Skip)]
    [InlineData(ChatBehindPolicy.Disconnect)]
    public async Task AMemberWhoseSocketTakesNothingIsDisconnectedAfterTheWriteDeadline(ChatBehindPolicy policy)
    {
        // Below the soft limit, so only the write deadline can end it: 200 KB fill the small socket buffers and
        // leave the rest queued, and the member never reads again.
        var options = new ChatOptions { MaxLineRate = 0, BehindPolicy = policy, WriteDeadline = TimeSpan.FromSeconds(1) };
        await using var server = ChatTestServer.Start(options, configure: o => o.Transport.SendBufferSize = 8192);
        using var overflows = server.Meters.Collect("switchboard.chat.queue_overflows");
        using var stuck = await server.JoinAsync("stuck", s => s.ReceiveBufferSize = 4096);
        using var sender = await server.JoinAsync("sender");
        await stuck.ExpectAsync("*** sender joined lobby");

        var payload = new string('w', 200);
        var sent = Stopwatch.StartNew();
        await sender.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1000).Select(i => $"{i} {payload}\n"))));
        await sender.ExpectAsync("*** stuck left lobby (not reading)");
        var gone = sent.Elapsed;

        Assert.True(gone >= TimeSpan.FromSeconds(0.9), $"disconnected after {gone.TotalMilliseconds:F0} ms, before the write deadline");
        Assert.Equal(1, overflows.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.True(await Eventually.TrueAsync(() => server.Server.ActiveConnections == 1));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ChatBehindPolicy.Skip)]
    [InlineData(ChatBehindPolicy.Disconnect)]
    public async Task ReadersThatReadFlatOutGetEveryLineOfAPasteAtTwoMegabytesASecond(ChatBehindPolicy policy)
    {
        // The defaults but the line rate: a paste at 2 MB/s is 0.5 s from the hard limit for a reader that stops.
        // A reader that reads steadily is never behind: under skip it loses no line (no notice), under disconnect
        // it stays.
        await using var server = ChatTestServer.Start(new ChatOptions { MaxLineRate = 0, BehindPolicy = policy });
        using var dropped = server.Meters.Collect("switchboard.chat.lines_dropped");
        var readers = new List<ChatLineSocket>();
        for (var i = 0; i < 3; i++)
        {
            readers.Add(await ChatLineSocket.JoinAsync(server.Endpoint, $"reader{i}"));
        }

        using var sender = await server.JoinAsync("paster");
        try
        {
            const int Lines = 40_000; // 100 bytes each: 4 MB, two seconds at the pace below
            var payload = new string('p', 92);
            var reading = readers.Select(r => Task.Run(() => ReadSequenceAsync(r, "paster", Lines, payload), Cancel)).ToList();
            await PasteAsync(sender, Lines, payload, bytesPerSecond: 2_000_000);

            foreach (var read in reading)
            {
                Assert.Equal(Lines, await read.WaitAsync(TimeSpan.FromSeconds(60), Cancel));
            }

            Assert.Equal(0, dropped.GetMeasurementSnapshot().EvaluateAsCounter());
            Assert.Equal(4, server.Service.Hub.MemberCount);
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AReaderThatReadsSteadilyButSlowerThanAPasteLosesLinesNotItsPlace()
    {
        var options = new ChatOptions { MaxLineRate = 0, MaxQueuedBytes = 256 * 1024, SoftQueuedBytes = 64 * 1024, SoftQueueGrace = TimeSpan.FromSeconds(1) };
        await using var server = ChatTestServer.Start(options, configure: o => o.Transport.SendBufferSize = 16 * 1024);
        using var steady = await server.JoinAsync("steady", s => s.ReceiveBufferSize = 8192);
        using var sender = await server.JoinAsync("paster");
        await steady.ExpectAsync("*** paster joined lobby");

        const int Lines = 30_000;
        var payload = new string('q', 92);
        var reading = Task.Run(async () =>
        {
            // About 500 KB/s, a quarter of the paste's pace: steady, never stopping.
            var last = -1;
            var notices = 0;
            var pace = Stopwatch.StartNew();
            for (var n = 0; ; n++)
            {
                var line = await steady.ReadLineAsync();
                if (line.StartsWith("*** ", StringComparison.Ordinal))
                {
                    Assert.Matches(@"^\*\*\* \d+ lines dropped$", line);
                    notices++;
                    continue;
                }

                var seq = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(seq > last, $"line {seq} after {last}: out of order");
                last = seq;
                if (seq == Lines - 1)
                {
                    return notices;
                }

                if (n % 50 == 0 && pace.Elapsed < TimeSpan.FromMilliseconds(n / 5.0))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(n / 5.0) - pace.Elapsed, Cancel);
                }
            }
        }, Cancel);

        await PasteAsync(sender, Lines, payload, bytesPerSecond: 2_000_000);
        var told = await reading.WaitAsync(TimeSpan.FromSeconds(60), Cancel);
        Assert.True(told > 0, "the slow reader was never told of lines dropped");
        Assert.Contains("steady", await server.Service.Hub.MembersOfAsync("lobby", TestContext.Current.CancellationToken));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(0, 20)]
    [InlineData(10, 2000)]
    public async Task TwoThousandLinesInOneWriteReachEveryMemberOnTheSendersLoop(int lineRate, int burst)
    {
        // One event loop: every member's writer waits while the sender's read fans out all 2,000 lines.
        var options = new ChatOptions { MaxLineRate = lineRate, LineBurst = burst, BehindPolicy = ChatBehindPolicy.Disconnect };
        await using var server = ChatTestServer.Start(options, configure: o => o.AsyncLoops = 1);
        var readers = new List<ChatLineSocket>();
        for (var i = 0; i < 20; i++)
        {
            readers.Add(await ChatLineSocket.JoinAsync(server.Endpoint, $"m{i}"));
        }

        using var sender = await server.JoinAsync("burst");
        try
        {
            const int Lines = 2000;
            var all = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, Lines).Select(i => $"{i} x\n")));
            Assert.InRange(all.Length, 10_000, 16_000);
            var reading = readers.Select(r => Task.Run(() => ReadSequenceAsync(r, "burst", Lines, "x"), Cancel)).ToList();
            await sender.SendRawAsync(all);
            foreach (var read in reading)
            {
                Assert.Equal(Lines, await read.WaitAsync(TimeSpan.FromSeconds(60), Cancel));
            }

            Assert.Equal(21, server.Service.Hub.MemberCount);
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task EachSendersLinesArriveInTheOrderSentWhileSendersInterleave()
    {
        await using var server = ChatTestServer.Start(new ChatOptions { MaxLineRate = 0 });
        var readers = new List<ChatClient>();
        var senders = new List<ChatClient>();
        for (var i = 0; i < 4; i++)
        {
            readers.Add(await server.JoinAsync($"r{i}"));
        }

        for (var i = 0; i < 3; i++)
        {
            senders.Add(await server.JoinAsync($"s{i}"));
        }

        try
        {
            const int Lines = 3000;
            var expected = senders.Count * Lines;
            var reading = readers.Select(r => Task.Run(async () =>
            {
                var next = new Dictionary<string, int>();
                for (var got = 0; got < expected;)
                {
                    var line = await r.ReadLineAsync();
                    if (!line.StartsWith("<s", StringComparison.Ordinal))
                    {
                        continue; // the senders' join notices
                    }

                    var parts = line.Split(' ');
                    var seq = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(next.GetValueOrDefault(parts[0]), seq);
                    next[parts[0]] = seq + 1;
                    got++;
                }

                return next.Values.Sum();
            }, Cancel)).ToList();

            await Task.WhenAll(senders.Select(s => Task.Run(async () =>
            {
                // In pieces, so the three senders' lines interleave at the readers.
                for (var start = 0; start < Lines; start += 100)
                {
                    await s.SendRawAsync(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(start, 100).Select(i => $"{i} from {s.Nick}\n"))));
                }
            }, Cancel)));

            foreach (var read in reading)
            {
                Assert.Equal(expected, await read.WaitAsync(TimeSpan.FromSeconds(60), Cancel));
            }
        }
        finally
        {
            readers.ForEach(r => r.Dispose());
            senders.ForEach(s => s.Dispose());
        }
    }

    /// <summary>Reads <paramref name="lines"/> lines from <paramref name="nick"/>, each in order, none missing, and no notice of lines dropped.</summary>
    private static async Task<int> ReadSequenceAsync(ChatLineSocket reader, string nick, int lines, string payload)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = 0;
        while (received < lines)
        {
            var line = await reader.ReadLineAsync(timeout.Token);
            Assert.DoesNotContain("dropped", line, StringComparison.Ordinal);
            if (line.StartsWith("*** ", StringComparison.Ordinal))
            {
                continue; // join notices
            }

            Assert.Equal($"<{nick}> {received} {payload}", line);
            received++;
        }

        return received;
    }

    /// <summary>Sends numbered lines at <paramref name="bytesPerSecond"/>, in 20 KB pieces on a fixed schedule.</summary>
    private static async Task PasteAsync(ChatClient sender, int lines, string payload, int bytesPerSecond)
    {
        var all = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, lines).Select(i => $"{i} {payload}\n")));
        const int Piece = 20_000;
        var clock = Stopwatch.StartNew();
        for (var offset = 0; offset < all.Length; offset += Piece)
        {
            await sender.Socket.SendAllAsync(all.AsMemory(offset, Math.Min(Piece, all.Length - offset)));
            var due = TimeSpan.FromSeconds((offset + Piece) / (double)bytesPerSecond);
            if (clock.Elapsed < due)
            {
                await Task.Delay(due - clock.Elapsed, Cancel);
            }
        }
    }
}
