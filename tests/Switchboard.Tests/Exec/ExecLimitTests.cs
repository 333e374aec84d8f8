using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>Children under the server's limits: many at once, the connection limit, idle, the stop, no zombies.</summary>
[Collection(ExecTestGroup.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ExecLimitTests
{
    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TwoHundredConcurrentConnectionsEachGetTheirOwnCat()
    {
        using var service = new ExecService(new ExecOptions { Program = "cat" });
        await using var server = TestServer.Start(service, ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"), o => o.PauseAcceptingAtLimit = true);
        var sockets = new List<Socket>();
        try
        {
            for (var i = 0; i < 200; i++)
            {
                sockets.Add(await ExecTestPeer.ConnectAsync(server));
            }

            // All 200 connected before any sends, so 200 children run at once.
            var answers = await Task.WhenAll(sockets.Select((s, i) => ExecTestPeer.ExchangeAsync(s, Encoding.ASCII.GetBytes($"hello {i}\n"))));

            for (var i = 0; i < answers.Length; i++)
            {
                Assert.Equal($"hello {i}\n", Encoding.ASCII.GetString(answers[i]));
            }
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AtTheLimitNewcomersWaitForAChildToEndRatherThanBeingRefused()
    {
        using var service = new ExecService(ExecOptions.Shell("echo started; exec cat"));
        await using var server = TestServer.Start(service, ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"), o =>
        {
            o.MaxConnections = 2;
            o.PauseAcceptingAtLimit = true;
        });
        using var first = await ExecTestPeer.ConnectAsync(server);
        using var second = await ExecTestPeer.ConnectAsync(server);
        Assert.Equal("started\n", await ReadLineAsync(first));
        Assert.Equal("started\n", await ReadLineAsync(second));

        using var third = await ExecTestPeer.ConnectAsync(server); // in the backlog, or accepted and waiting
        var waiting = ReadLineAsync(third);
        await Task.WhenAny(waiting, Task.Delay(500, TestContext.Current.CancellationToken)); // the input: long enough for a wrongly started child to answer
        Assert.False(waiting.IsCompleted);
        Assert.Equal(2, server.ActiveConnections);

        first.Shutdown(SocketShutdown.Send); // its cat ends, its slot frees
        Assert.Empty(await ExecTestPeer.ReadToEndAsync(first).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));

        Assert.Equal("started\n", await waiting.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        Assert.Equal(0, server.RejectedConnections);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AnIdleChildIsEndedByTheIdleTimeout()
    {
        await using var rig = await ExecRig.StartAsync(ExecOptions.Shell("echo $$; exec cat"), configure: o => o.IdleTimeout = TimeSpan.FromSeconds(1));
        var pid = int.Parse((await ReadLineAsync(rig.Socket)).Trim(), CultureInfo.InvariantCulture);

        Assert.True(await Eventually.TrueAsync(() => !ExecChildren.Exists(pid), TimeSpan.FromSeconds(20)));
        Assert.True(await Eventually.TrueAsync(() => rig.Server.ActiveConnections == 0));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OnStopChildrenGetSigtermThenSigkillAfterTheDrainAndNoneIsLeft(bool ignoresSigterm)
    {
        var logs = new RecordingLoggerFactory();
        using var service = new ExecService(ExecOptions.Shell((ignoresSigterm ? "trap '' TERM; " : "") + "echo $$; exec sleep 60"), logs);
        var server = TestServer.Start(service, ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"), o => o.DrainTimeout = TimeSpan.FromSeconds(1));
        using var socket = await ExecTestPeer.ConnectAsync(server);
        var pid = int.Parse((await ReadLineAsync(socket)).Trim(), CultureInfo.InvariantCulture);

        var clock = Stopwatch.StartNew();
        await server.StopAsync(TestContext.Current.CancellationToken);
        await server.DisposeAsync();

        Assert.False(ExecChildren.Exists(pid)); // reaped, not a zombie
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"stop took {clock.Elapsed}");
        var signal = ignoresSigterm ? "killed by signal 9 (SIGKILL)" : "killed by signal 15 (SIGTERM)";
        Assert.True(await Eventually.TrueAsync(() => logs.Lines.Any(l => l.Contains($"pid {pid} {signal}", StringComparison.Ordinal))), string.Join('\n', logs.Lines));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NoZombieIsLeftAfterAThousandConnections()
    {
        using var dir = new TempDirectory();
        var program = dir.File("sbzombie"); // a name of our own, to count its processes in /proc
        File.CreateSymbolicLink(program, "/bin/echo");
        var options = new ExecOptions { Program = program };
        options.Arguments.Add("hi");
        using var service = new ExecService(options);
        await using var server = TestServer.Start(service, ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"), o => o.PauseAcceptingAtLimit = true);
        var served = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            for (var i = 0; i < 125; i++)
            {
                using var socket = await ExecTestPeer.ConnectAsync(server);
                var back = await ExecTestPeer.ExchangeAsync(socket, []);
                Assert.Equal("hi\n", Encoding.ASCII.GetString(back));
                Interlocked.Increment(ref served);
            }
        }));

        Assert.Equal(1000, served);
        Assert.True(await Eventually.TrueAsync(() => ExecChildren.Count("sbzombie") == 0), $"{ExecChildren.Count("sbzombie", zombiesOnly: true)} zombies");
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));
    }

    private static async Task<string> ReadLineAsync(Socket socket)
    {
        var line = new List<byte>();
        var one = new byte[1];
        while (await socket.ReceiveAsync(one, SocketFlags.None).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken) == 1)
        {
            line.Add(one[0]);
            if (one[0] == '\n')
            {
                break;
            }
        }

        return Encoding.ASCII.GetString([.. line]);
    }
}
