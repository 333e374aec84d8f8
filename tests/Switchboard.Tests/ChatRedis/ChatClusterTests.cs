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
        await bob.ExpectAsync("*** Other servers are reachable again.");
        Assert.True(await Eventually.TrueAsync(
            () => cluster.Redis.SubscribersAsync("switchboard:chat:room:lobby").Result == 2, TimeSpan.FromSeconds(20)));

        await alice.SendAsync("together again");
        var skipped = new List<string>();
        await bob.ExpectAsync("<alice> together again", skipped);
        Assert.Contains("*** 1 line from server a did not arrive while the servers were apart.", skipped);
        Assert.DoesNotContain("<alice> while apart", skipped);

        await bob.SendAsync("/who"); // presence and nicks written anew into the empty Redis
        await bob.ExpectAsync("*** 3 in lobby:");
        using var impostor = await ChatClient.ConnectAsync(cluster[1].Endpoint);
        await impostor.SendAsync("alice");
        await impostor.ExpectAsync("*** Nick alice is taken. Choose a nick:");
    }
}
