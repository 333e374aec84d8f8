using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// Out of descriptors, the server keeps serving: under <c>ulimit -n 256</c> a thousand connection attempts get the
/// connections that fit below the limit served, the rest closed or left in the backlog, and the process never dies
/// (before, the runtime's own calls got EMFILE and aborted it with "Out of memory.").
/// </summary>
public sealed partial class ServeDescriptorLimitTests
{
    private const int FileLimit = 256;
    private const int Attempts = 1000;

    public static TheoryData<string> Models => ["async", "sequential", "threads", "select"];

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task AThousandConnectionsUnderAFileLimitOf256AreServedUpToTheLimitAndNeverKillTheServer(string model)
    {
        var (server, endpoints) = await CliProcess.ServeUnderFileLimitAsync(FileLimit, 1, "echo", "-l", "tcp://127.0.0.1:0", "-m", model);
        await using var _ = server;
        var target = (IPEndPoint)endpoints[0].ToEndPoint();
        var limit = model == "sequential" ? 1 : EffectiveLimit(server.StandardError);
        Assert.InRange(limit, 1, FileLimit - 64);

        var clients = await ConnectManyAsync(target, Attempts);
        try
        {
            var served = await CountEchoedAsync(clients);
            Assert.False(server.HasExited, $"the server exited: {server.StandardError}");
            Assert.InRange(served, Math.Max(1, limit * 9 / 10), limit);
            TestContext.Current.SendDiagnosticMessage($"{model}: {clients.Count} of {Attempts} connected, {served} served (limit {limit})");
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }

        Assert.True(await ServedOnceOthersLeftAsync(target), $"no new client was served after the others left: {server.StandardError}");
        Assert.False(server.HasExited, $"the server exited: {server.StandardError}");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheStartWarnsOnceWhenMaxConnectionsCannotFitUnderTheFileLimit()
    {
        var (server, _) = await CliProcess.ServeUnderFileLimitAsync(FileLimit, 1, "echo", "-l", "tcp://127.0.0.1:0");
        await using var _1 = server;
        var warning = Assert.Single(server.StandardError.Split('\n'), l => l.Contains("--max-connections", StringComparison.Ordinal));
        Assert.Contains("1024", warning, StringComparison.Ordinal);
        Assert.Contains("open-file limit", warning, StringComparison.Ordinal);
    }

    private static int EffectiveLimit(string stderr)
    {
        var match = AtMost().Match(stderr);
        Assert.True(match.Success, $"no warning about the effective limit: {stderr}");
        return int.Parse(match.Groups[1].Value);
    }

    private static async Task<List<Socket>> ConnectManyAsync(IPEndPoint target, int count)
    {
        var clients = new List<Socket>();
        for (var batch = 0; batch < count; batch += 100)
        {
            var connecting = Enumerable.Range(0, Math.Min(100, count - batch)).Select(async _ =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                    await socket.ConnectAsync(target, timeout.Token);
                    return socket;
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    socket.Dispose(); // the backlog is full: an attempt that found no room
                    return null;
                }
            });
            clients.AddRange((await Task.WhenAll(connecting)).OfType<Socket>());
        }

        return clients;
    }

    /// <summary>Sends a byte on each connection; counts those that get it back (the rest were closed at accept or wait in the backlog).</summary>
    private static async Task<int> CountEchoedAsync(List<Socket> clients)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var echoed = await Task.WhenAll(clients.Select(async client =>
        {
            try
            {
                await client.SendAsync("x"u8.ToArray(), SocketFlags.None, timeout.Token);
                var buffer = new byte[1];
                return await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 1;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                return false;
            }
        }));
        return echoed.Count(e => e);
    }

    private static async Task<bool> ServedOnceOthersLeftAsync(IPEndPoint target)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await client.ConnectAsync(target, timeout.Token);
                await client.SendAsync("y"u8.ToArray(), SocketFlags.None, timeout.Token);
                var buffer = new byte[1];
                if (await client.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 1 && buffer[0] == (byte)'y')
                {
                    return true;
                }
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
            }

            await Task.Delay(200);
        }

        return false;
    }

    [GeneratedRegex(@"at most (\d+) connections")]
    private static partial Regex AtMost();
}
