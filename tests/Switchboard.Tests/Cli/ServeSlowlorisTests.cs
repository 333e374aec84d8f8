using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>serve timestamp</c> under a slowloris attack, with the tool's defaults (1024 connections, 30 s lines).</summary>
public sealed class ServeSlowlorisTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TwoThousandDribblersDoNotKeepANormalClientOutForASecond()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "timestamp", "-l", "tcp://127.0.0.1:0", "--log-level", "error");
        await using var _ = server;
        var target = (IPEndPoint)endpoints[0].ToEndPoint();
        await using var attack = await Dribblers.StartAsync(target, 2000);
        await attack.FirstRoundDone;

        var watch = Stopwatch.StartNew();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await client.ConnectAsync(target, TestContext.Current.CancellationToken);
        var connected = watch.Elapsed;
        await client.SendAllAsync("hello\n"u8.ToArray());
        var reply = Encoding.ASCII.GetString(await client.ReadExactlyAsync(34));
        var elapsed = watch.Elapsed;

        Assert.EndsWith("]: hello\n", reply, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(1), $"the normal client waited {elapsed.TotalMilliseconds:F0} ms ({connected.TotalMilliseconds:F0} ms to connect)");
        Assert.False(server.HasExited, server.StandardError);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task LineTimeoutClosesALineThatNeverEnds()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "timestamp", "-l", "tcp://127.0.0.1:0", "--line-timeout", "1s");
        await using var _ = server;
        using var client = await TestClient.ConnectAsync(endpoints[0]);
        var watch = Stopwatch.StartNew();
        await client.SendAllAsync("no newline"u8.ToArray());

        var received = await ReadUntilClosedAsync(client);

        Assert.StartsWith("[", Encoding.ASCII.GetString(received), StringComparison.Ordinal); // the partial line was answered first
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task HelpListsTheSlowlorisLimitsWithTheirDefaults()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "--help");
        Assert.Equal(0, code);
        Assert.Contains("--line-timeout", stdout, StringComparison.Ordinal);
        Assert.Contains("30s", stdout, StringComparison.Ordinal);
        Assert.Contains("--max-connections-per-ip", stdout, StringComparison.Ordinal);
    }

    private static async Task<byte[]> ReadUntilClosedAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        var all = new MemoryStream();
        var buffer = new byte[256];
        try
        {
            int n;
            while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                all.Write(buffer, 0, n);
            }
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        return all.ToArray();
    }
}
