using System.Diagnostics;
using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.ChatRedis;

/// <summary>
/// <c>switchboard serve chat --backplane</c> as processes on a real redis-server: what only a process can show,
/// a server killed with SIGKILL, whose members the others must announce as gone within --server-lost-after.
/// </summary>
public sealed class ChatClusterProcessTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AServerKilledWithSigkillHasItsMembersAnnouncedAsGoneWithinTheLostTime()
    {
        await using var redis = await RedisTestServer.StartAsync();
        var (a, aEndpoints) = await CliProcess.ServeAsync(1, "chat", "--listen", "tcp://127.0.0.1:0", "--backplane", redis.Uri, "--server-id", "a", "--server-lost-after", "3s");
        await using var serverA = a;
        var (b, bEndpoints) = await CliProcess.ServeAsync(1, "chat", "--listen", "tcp://127.0.0.1:0", "--backplane", redis.Uri, "--server-id", "b", "--server-lost-after", "3s");
        await using var serverB = b;

        using var alice = await ChatClient.JoinAsync(aEndpoints[0], "alice");
        using var bob = await ChatClient.JoinAsync(bEndpoints[0], "bob");
        await alice.ExpectAsync("*** bob joined lobby");

        serverA.Signal(9);
        var killed = Stopwatch.StartNew();
        await bob.ExpectAsync("*** alice left lobby (server a lost)");
        Assert.InRange(killed.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3) + TimeSpan.FromSeconds(2)); // the bound, and some slack for a busy machine

        using var newAlice = await ChatClient.JoinAsync(bEndpoints[0], "alice"); // the dead server's nick is free
        await bob.ExpectAsync("*** alice joined lobby");
        await bob.SendAsync("/who");
        await bob.ExpectAsync("*** 2 in lobby:");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ASecondServerWithTheSameServerIdRefusesToStartInOneLineAndARestartAfterKillTakesOver()
    {
        await using var redis = await RedisTestServer.StartAsync();
        var (a, aEndpoints) = await CliProcess.ServeAsync(1, "chat", "--listen", "tcp://127.0.0.1:0", "--backplane", redis.Uri, "--server-id", "a", "--server-lost-after", "3s");
        await using var serverA = a;

        var (code, stdout, stderr) = await CliProcess.RunAsync(
            TimeSpan.FromSeconds(60), "serve", "chat", "--listen", "tcp://127.0.0.1:0", "--backplane", redis.Uri, "--server-id", "a", "--server-lost-after", "3s");
        Assert.Equal(1, code);
        Assert.DoesNotContain("listening on", stdout);
        Assert.StartsWith("switchboard: server id a is in use: another chat server with it is running on this Redis", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
        using (var alice = await ChatClient.JoinAsync(aEndpoints[0], "alice"))
        {
            await alice.SendAsync("/who");
            await alice.ExpectAsync("*** 1 in lobby:"); // the first one serves on
        }

        // Killed, a run leaves its presence behind for up to 3/5 of the lost time: a restart waits it out and serves.
        serverA.Signal(9);
        var (again, againEndpoints) = await CliProcess.ServeAsync(1, "chat", "--listen", "tcp://127.0.0.1:0", "--backplane", redis.Uri, "--server-id", "a", "--server-lost-after", "3s");
        await using var restarted = again;
        using var bob = await ChatClient.JoinAsync(againEndpoints[0], "bob");
        await bob.SendAsync("/who");
        await bob.ExpectAsync("*** 1 in lobby:");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ABadBackplaneAddressIsOneLineAndExitCodeTwo()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "chat", "--listen", "tcp://127.0.0.1:0", "--backplane", "http://x:1");
        Assert.Equal(2, code);
        Assert.Contains("--backplane: backplane address 'http://x:1': scheme http is not redis, rediss or unix", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
