using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// Every case of the EOF policy in <c>switchboard connect --help</c> and docs/cli.md, each against a scripted peer
/// that shows what the client did on the wire (a FIN or not, bytes or not).
/// </summary>
public sealed class EofPolicyTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public static TheoryData<string> StreamTransports => ["tcp", "unix"];

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(StreamTransports))]
    public async Task StdinEofHalfClosesAndTheReplySentAfterItIsStillPrinted(string transport)
    {
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            var got = await ScriptedPeer.ReadToEndAsync(connection, ct); // only ends if the client sent FIN
            await connection.Output.WriteAsync(Encoding.ASCII.GetBytes($"got {got.Length} bytes\n"), ct);
        });
        await using var server = ServiceServers.Start(peer, transport, _dir);

        var run = await CliProcess.RunRawAsync("12345"u8.ToArray(), RunLimit, "connect", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("got 5 bytes\n", run.Text);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task NoShutdownSendsNoFinAtStdinEof()
    {
        var dataAt = TimeSpan.Zero;
        var endAt = TimeSpan.Zero;
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var result = await connection.Input.ReadAsync(ct);
            dataAt = clock.Elapsed;
            connection.Input.AdvanceTo(result.Buffer.End);
            await connection.Output.WriteAsync("waiting\n"u8.ToArray(), ct);
            await ScriptedPeer.ReadToEndAsync(connection, ct); // ends only when the client closes: -q, not stdin EOF
            endAt = clock.Elapsed;
        });
        await using var server = ServiceServers.Start(peer, "tcp", _dir);

        var run = await CliProcess.RunRawAsync("12345"u8.ToArray(), RunLimit, "connect", "--no-shutdown", "-q", "1500ms", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("waiting\n", run.Text);
        Assert.True(await Eventually.TrueAsync(() => endAt > TimeSpan.Zero));
        Assert.True(endAt - dataAt >= TimeSpan.FromSeconds(1), $"end of stream came {(endAt - dataAt).TotalMilliseconds} ms after the data");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task QuitAfterStdinEofEndsEvenIfThePeerStaysOpen()
    {
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            await ScriptedPeer.ReadToEndAsync(connection, ct);
            await Task.Delay(TimeSpan.FromSeconds(50), ct); // never closes while the client waits
        });
        await using var server = ServiceServers.Start(peer, "tcp", _dir);

        var run = await CliProcess.RunRawAsync("x"u8.ToArray(), RunLimit, "connect", "-q", "500ms", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"took {run.Elapsed}");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task SendOnlySendsEverythingThenExitsAtStdinEofPrintingNothing()
    {
        var received = -1;
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            received = (await ScriptedPeer.ReadToEndAsync(connection, ct)).Length;
            await connection.Output.WriteAsync("not printed\n"u8.ToArray(), ct);
        });
        await using var server = ServiceServers.Start(peer, "tcp", _dir);

        var run = await CliProcess.RunRawAsync(new byte[100_000], RunLimit, "connect", "--send-only", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.True(await Eventually.TrueAsync(() => received == 100_000), $"the peer got {received} bytes");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task RecvOnlyNeverReadsStdinAndSendsNoFin()
    {
        bool? anythingCame = null;
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            await connection.Output.WriteAsync("banner\n"u8.ToArray(), ct);
            anythingCame = await connection.WaitForInputAsync(TimeSpan.FromSeconds(1.5), ct); // neither bytes nor FIN
        });
        await using var server = ServiceServers.Start(peer, "tcp", _dir);

        var run = await CliProcess.RunRawAsync("must not be sent\n"u8.ToArray(), RunLimit, "connect", "--recv-only", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("banner\n", run.Text);
        Assert.False(anythingCame);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AfterPeerEofPipedStdinIsStillSentToItsEnd()
    {
        string? received = null;
        var peer = new ScriptedPeer(stream: async (connection, ct) =>
        {
            await connection.Output.WriteAsync("bye\n"u8.ToArray(), ct);
            await connection.ShutdownOutputAsync(ct); // half-close, as nc -N does, and keep reading
            received = Encoding.ASCII.GetString(await ScriptedPeer.ReadToEndAsync(connection, ct));
        });
        await using var server = ServiceServers.Start(peer, "tcp", _dir);

        var run = await CliProcess.RunRawAsync(
            async stdin =>
            {
                await stdin.WriteAsync("abc"u8.ToArray());
                await stdin.FlushAsync();
                await Task.Delay(700); // the peer's FIN arrives in between
                await stdin.WriteAsync("def"u8.ToArray());
            },
            RunLimit,
            "connect",
            server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("bye\n", run.Text);
        Assert.True(await Eventually.TrueAsync(() => received is not null));
        Assert.Equal("abcdef", received);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task APeerThatClosedEntirelyEndsAClientStillSendingWithZero()
    {
        await using var server = ServiceServers.Start("daytime", "tcp", _dir);
        var chunk = new byte[64 * 1024];

        var run = await CliProcess.RunRawAsync(
            async stdin =>
            {
                for (var i = 0; i < 10_000; i++)
                {
                    await stdin.WriteAsync(chunk); // ends with IOException once the tool has exited
                }
            },
            RunLimit,
            "connect",
            server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\w+day, .+\r?\n$", run.Text);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AResetByThePeerIsOneLineAndExitOne()
    {
        // A raw listener: a server's abort sends FIN before RST, and this case needs the RST alone.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var endpoint = EndpointUri.FromEndPoint(TransportKind.Tcp, listener.LocalEndPoint!).ToString();
        var peer = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptAsync(TestContext.Current.CancellationToken);
            await accepted.SendAllAsync("partial\n"u8.ToArray());
            await Task.Delay(300, TestContext.Current.CancellationToken);
            accepted.Reset();
        }, TestContext.Current.CancellationToken);

        var run = await CliProcess.RunRawAsync(_ => Task.Delay(TimeSpan.FromSeconds(20)), RunLimit, "connect", endpoint);
        await peer;

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("partial\n", run.Text);
        Assert.Equal([$"switchboard: connection to {endpoint} reset by peer"], run.StderrLines);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), $"took {run.Elapsed}");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task IdleEndsASilentExchangeWithExitOne()
    {
        var peer = new ScriptedPeer(stream: async (connection, ct) => await ScriptedPeer.ReadToEndAsync(connection, ct));
        await using var server = ServiceServers.Start(peer, "tcp", _dir);
        var endpoint = server.Listeners[0].Endpoint.ToString();

        var run = await CliProcess.RunRawAsync(_ => Task.Delay(TimeSpan.FromSeconds(20)), RunLimit, "connect", "--idle", "500ms", endpoint);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal([$"switchboard: {endpoint}: idle timeout: nothing moved either way"], run.StderrLines);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), $"took {run.Elapsed}");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DatagramStdinEofWaitsAQuietSpellForLateReplies()
    {
        var peer = new ScriptedPeer(datagram: async (d, ct) =>
        {
            var copy = d.Payload.ToArray();
            await Task.Delay(400, ct); // later than stdin EOF, within --wait
            await d.ReplyAsync(copy, ct);
        });
        await using var server = ServiceServers.Start(peer, "udp", _dir);

        var run = await CliProcess.RunRawAsync("late\n"u8.ToArray(), RunLimit, "connect", "--wait", "1500ms", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("late\n", run.Text);
        Assert.True(run.Elapsed >= TimeSpan.FromSeconds(1.5), $"exited after {run.Elapsed}, before the quiet spell");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DatagramQuitAfterStdinEofCapsTheWait()
    {
        await using var server = ServiceServers.Start("discard", "unixgram", _dir);

        var run = await CliProcess.RunRawAsync("x\n"u8.ToArray(), RunLimit, "connect", "--wait", "40s", "-q", "200ms", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"took {run.Elapsed}");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DatagramSendOnlyExitsAtStdinEof()
    {
        await using var server = ServiceServers.Start("echo", "udp", _dir);

        var run = await CliProcess.RunRawAsync("x\n"u8.ToArray(), RunLimit, "connect", "--wait", "40s", "--send-only", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, run.ExitCode);
        Assert.Empty(run.Stdout);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"took {run.Elapsed}");
    }
}
