using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.ChatRedis;

/// <summary>
/// Two and three chat servers on one real redis-server: for their members they behave like one server. Each
/// test starts its own Redis on a Unix socket in a temporary directory and stops it.
/// </summary>
public sealed class ChatClusterTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task MembersOnTwoServersSeeEachOthersJoinsLinesActionsAndLeaves()
    {
        await using var cluster = await ChatCluster.StartAsync(2);
        using var alice = await cluster[0].JoinAsync("alice");
        using var bob = await cluster[1].JoinAsync("bob");
        await alice.ExpectAsync("*** bob joined lobby");

        await bob.SendAsync("hello from b");
        await alice.ExpectAsync("<bob> hello from b");
        await alice.SendAsync("/me waves");
        await bob.ExpectAsync("* alice waves");

        await alice.SendAsync("/who");
        await alice.ExpectAsync("*** 2 in lobby:");
        await alice.ExpectAsync("***   alice, bob");
        await bob.SendAsync("/join games");
        await alice.ExpectAsync("*** bob left lobby (joined games)");
        await alice.SendAsync("/rooms");
        await alice.ExpectAsync("*** Rooms: games (1), lobby (1)");

        await bob.SendAsync("/join lobby");
        await alice.ExpectAsync("*** bob joined lobby");
        await bob.SendAsync("/quit gone home");
        await alice.ExpectAsync("*** bob left lobby (quit: gone home)");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task PrivateMessagesReachAMemberOnAnotherServer()
    {
        await using var cluster = await ChatCluster.StartAsync(2);
        using var alice = await cluster[0].JoinAsync("alice");
        using var bob = await cluster[1].JoinAsync("bob");
        await alice.SendAsync("/msg BOB psst");
        await alice.ExpectAsync("-> *BOB* psst");
        await bob.ExpectAsync("*alice* psst");
        await bob.SendAsync("/msg nobody hello");
        await bob.ExpectAsync("*** No such nick: nobody");
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task NicksAreUniqueAcrossThreeServersAndFreedOnLeave()
    {
        await using var cluster = await ChatCluster.StartAsync(3);
        using var alice = await cluster[0].JoinAsync("alice");
        using var other = await ChatClient.ConnectAsync(cluster[1].Endpoint);
        await other.SendAsync("ALICE");
        await other.ExpectAsync("*** Nick ALICE is taken. Choose a nick:");
        using var carol = await cluster[2].JoinAsync("carol");
        await carol.SendAsync("/nick Alice");
        await carol.ExpectAsync("*** Nick Alice is taken.");
        await carol.SendAsync("/nick dave");
        await carol.ExpectAsync("*** You are now dave.");
        await alice.ExpectAsync("*** carol is now known as dave");

        await alice.SendAsync("/quit");
        await carol.ExpectAsync("*** alice left lobby (quit)");
        using var again = await cluster[1].JoinAsync("alice"); // the claim was released on leave
        using var carolToo = await cluster[0].JoinAsync("carol"); // the old nick of a rename is free again
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task EachSendersLinesArriveInOrderOnEveryServerUnderLoad()
    {
        const int Lines = 400;
        await using var cluster = await ChatCluster.StartAsync(3);
        using var watcherA = await cluster[0].JoinAsync("watcher_a");
        using var watcherC = await cluster[2].JoinAsync("watcher_c");
        var senders = new List<ChatClient>();
        for (var i = 0; i < 4; i++)
        {
            senders.Add(await cluster[i % 2].JoinAsync($"s{i}"));
        }

        await Task.WhenAll(senders.Select(async s =>
        {
            for (var n = 0; n < Lines; n++)
            {
                await s.SendAsync($"{n}");
            }
        }));

        foreach (var watcher in new[] { watcherA, watcherC })
        {
            var next = senders.ToDictionary(s => s.Nick!, _ => 0);
            while (next.Values.Any(v => v < Lines))
            {
                var line = await watcher.ReadLineAsync();
                if (line.StartsWith('<') && line.Split("> ") is [var who, var number] && next.ContainsKey(who[1..]))
                {
                    Assert.Equal(next[who[1..]], int.Parse(number));
                    next[who[1..]]++;
                }
            }
        }

        foreach (var sender in senders)
        {
            sender.Dispose();
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task RedisAwayAndBackMembersAreToldLocalChatGoesOnAndTheGapIsReported()
    {
        await using var cluster = await ChatCluster.StartAsync(2);
        using var alice = await cluster[0].JoinAsync("alice");
        using var carol = await cluster[0].JoinAsync("carol");
        using var bob = await cluster[1].JoinAsync("bob");
        await alice.ExpectAsync("*** bob joined lobby");
        await alice.SendAsync("before");
        await bob.ExpectAsync("<alice> before"); // b has seen a's sequence: a jump in it is a gap

        await cluster.Redis.StopAsync();
        const string Away = "*** Other servers are unreachable; until they are back you chat with the members of this server only.";
        await alice.ExpectAsync(Away);
        await bob.ExpectAsync(Away);
        await alice.SendAsync("while apart");
        await carol.ExpectAsync("<alice> while apart"); // local chat goes on

        await cluster.Redis.StartAgainAsync();
        await alice.ExpectAsync("*** Other servers are reachable again.");
        var skipped = new List<string>(); // the gap may be told before b itself sees Redis back: a's sync can come first
        await bob.ExpectAsync("*** Other servers are reachable again.", skipped);
        Assert.True(await Eventually.TrueAsync(
            () => cluster.Redis.SubscribersAsync("switchboard:chat:room:lobby").Result == 2, TimeSpan.FromSeconds(20)));

        await alice.SendAsync("together again");
        await bob.ExpectAsync("<alice> together again", skipped);
        Assert.Single(skipped, "*** 1 line from server a did not arrive while the servers were apart."); // once, from the sync or the next line
        Assert.DoesNotContain("<alice> while apart", skipped);

        await bob.SendAsync("/who"); // presence and nicks written anew into the empty Redis
        await bob.ExpectAsync("*** 3 in lobby:");
        using var impostor = await ChatClient.ConnectAsync(cluster[1].Endpoint);
        await impostor.SendAsync("alice");
        await impostor.ExpectAsync("*** Nick alice is taken. Choose a nick:");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AGapIsReportedWhenTheServersMeetAgainWithoutWaitingForTheSendersNextLine()
    {
        await using var cluster = await ChatCluster.StartAsync(2);
        using var alice = await cluster[0].JoinAsync("alice");
        using var bob = await cluster[1].JoinAsync("bob");
        await alice.ExpectAsync("*** bob joined lobby");
        await alice.SendAsync("before");
        await bob.ExpectAsync("<alice> before");

        await cluster.Redis.StopAsync();
        const string Away = "*** Other servers are unreachable; until they are back you chat with the members of this server only.";
        await alice.ExpectAsync(Away);
        await bob.ExpectAsync(Away);
        for (var i = 0; i < 3; i++)
        {
            await alice.SendAsync($"apart {i}");
        }

        await cluster.Redis.StartAgainAsync();

        // Alice says nothing more: server b learns of the three lines from the sync server a sends into its rooms at
        // each heartbeat (0.4 s here), in order after its lines (perhaps before b itself has seen Redis back).
        var skipped = new List<string>();
        await bob.ExpectAsync("*** 3 lines from server a did not arrive while the servers were apart.", skipped);
        Assert.DoesNotContain(skipped, l => l.StartsWith("<alice>", StringComparison.Ordinal));
        if (!skipped.Contains("*** Other servers are reachable again."))
        {
            await bob.ExpectAsync("*** Other servers are reachable again.");
        }

        // Her next line arrives as it is, and the gap is not told a second time.
        await alice.SendAsync("together again");
        Assert.Equal("<alice> together again", await bob.ReadReplyAsync());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task LinesDroppedByAFullPublishQueueAreCountedAndReportedToTheOtherServersRoom()
    {
        // A publish queue of 8 lines, and a Redis frozen (SIGSTOP) while alice pastes 200: her neighbour on server a
        // gets every line at once (delivered locally first); the queue takes what it can, the rest is dropped and
        // counted, and bob on server b is told exactly how many he missed, once, where the gap is.
        await using var cluster = await ChatCluster.StartAsync(2, maxPendingPublishes: 8);
        using var dropped = cluster.BackplaneMeters(0).Collect("switchboard.chat.backplane.dropped");
        using var alice = await cluster[0].JoinAsync("alice");
        using var carol = await cluster[0].JoinAsync("carol");
        using var bob = await cluster[1].JoinAsync("bob");
        await alice.ExpectAsync("*** bob joined lobby");
        await alice.SendAsync("before");
        await bob.ExpectAsync("<alice> before");

        const int Lines = 200;
        cluster.Redis.Pause();
        try
        {
            await alice.SendRawAsync(System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, Lines).Select(i => $"paste {i}\n"))));
            for (var i = 0; i < Lines; i++)
            {
                await carol.ExpectAsync($"<alice> paste {i}");
            }
        }
        finally
        {
            cluster.Redis.Resume(); // well within StackExchange.Redis's 5 s timeout: nothing else is lost
        }

        var full = dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["switchboard.drop.reason"] == "queue_full").Sum(m => m.Value);
        Assert.InRange(full, 1, Lines - 8);
        Assert.Equal(0, dropped.GetMeasurementSnapshot().Where(m => (string?)m.Tags["switchboard.drop.reason"] != "queue_full").Sum(m => m.Value));

        // Each line that did arrive arrives in order, and every run of missing ones is told once, where it is, with
        // its exact count. How many runs there are depends on when the publisher got a slot back, so it is not fixed.
        var next = 0;
        var told = 0L;
        var received = 0;
        var notice = new System.Text.RegularExpressions.Regex(@"^\*\*\* (\d+) lines? from server a did not arrive while the servers were apart\.$");
        void Take(string line)
        {
            if (line.StartsWith("<alice> paste ", StringComparison.Ordinal))
            {
                Assert.Equal($"<alice> paste {next}", line);
                next++;
                received++;
                return;
            }

            var gap = notice.Match(line);
            Assert.True(gap.Success, $"unexpected line: {line}");
            var missed = int.Parse(gap.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(missed, 1, Lines - next);
            Assert.Equal($"*** {missed} line{(missed == 1 ? "" : "s")} from server a did not arrive while the servers were apart.", line);
            next += missed;
            told += missed;
        }

        while (received + full < Lines)
        {
            Take(await bob.ReadLineAsync());
        }

        // Every line that was queued has arrived, so the queue is empty again: the next line goes through, and a gap
        // at the very end of the paste is told before it (the next sequence number is what reveals it).
        await alice.SendAsync("after");
        for (var line = await bob.ReadLineAsync(); line != "<alice> after"; line = await bob.ReadLineAsync())
        {
            Take(line);
        }

        Assert.Equal(Lines, next);
        Assert.Equal(full, told);
        Assert.Equal(Lines - full, received);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ASecondServerWithAnIdInUseRefusesToStartInOneLineAndTheFirstServesOn()
    {
        await using var cluster = await ChatCluster.StartAsync(1);
        var options = new Switchboard.Chat.Redis.RedisBackplaneOptions
        {
            Redis = Switchboard.Chat.Redis.RedisBackplaneUri.Parse(cluster.Redis.Uri),
            ServerId = "a",
            ServerLostAfter = TimeSpan.FromSeconds(2),
        };

        var refused = await Assert.ThrowsAsync<Switchboard.Serving.ServerStartException>(
            () => Switchboard.Chat.Redis.RedisChatHub.ConnectAsync(options, new Switchboard.Chat.ChatOptions(), TestContext.Current.CancellationToken));
        Assert.StartsWith("server id a is in use: another chat server with it is running on this Redis (epoch ", refused.Message);
        Assert.DoesNotContain('\n', refused.Message);

        // The first server's presence and members are untouched.
        await using var redis = await cluster.Redis.ConnectAsync();
        Assert.Equal(cluster.Hub(0).Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await redis.GetDatabase().StringGetAsync("switchboard:chat:alive:a"));
        using var alice = await cluster[0].JoinAsync("alice");
        await alice.SendAsync("/who");
        await alice.ExpectAsync("*** 1 in lobby:");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AServerWhoseIdStillHasTheLapsingPresenceOfADeadRunWaitsForItAndTakesOver()
    {
        await using var redis = await RedisTestServer.StartAsync();
        await using (var client = await redis.ConnectAsync())
        {
            // What a run killed with SIGKILL leaves: a presence nobody refreshes, here with 1 s to live.
            await client.GetDatabase().StringSetAsync("switchboard:chat:alive:z", "12345", TimeSpan.FromSeconds(1));
        }

        var options = new Switchboard.Chat.Redis.RedisBackplaneOptions
        {
            Redis = Switchboard.Chat.Redis.RedisBackplaneUri.Parse(redis.Uri),
            ServerId = "z",
            ServerLostAfter = TimeSpan.FromSeconds(5), // a live server would refresh within 1 s: a dead one's 1 s lapses first
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var hub = await Switchboard.Chat.Redis.RedisChatHub.ConnectAsync(options, new Switchboard.Chat.ChatOptions(), TestContext.Current.CancellationToken);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4));
        await using var check = await redis.ConnectAsync();
        Assert.Equal(hub.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)await check.GetDatabase().StringGetAsync("switchboard:chat:alive:z"));
    }
}
