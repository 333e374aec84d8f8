using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>
/// A process per connection in relay mode with real programs (cat, sh, python3): the round trips, each direction
/// ending on its own, the environment, stderr. The Exec test classes share one collection: they count children.
/// </summary>
[Collection(ExecTestGroup.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ExecRelayTests
{
    public static TheoryData<ConcurrencyModel> Models => TestServer.AllModels;

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task CatEchoes64KiBByteForByte(ConcurrencyModel model)
    {
        await using var rig = await ExecRig.StartAsync(new ExecOptions { Program = "cat" }, model: model);
        var data = ExecTestPeer.RandomBytes(64 * 1024);

        var back = await rig.ExchangeAsync(data);

        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Async, "tcp")]
    [InlineData(ConcurrencyModel.Threads, "tcp")]
    [InlineData(ConcurrencyModel.Async, "unix")]
    public async Task CatEchoes10MBByteForByte(ConcurrencyModel model, string scheme)
    {
        using var dir = new TempDirectory();
        await using var rig = await ExecRig.StartAsync(new ExecOptions { Program = "cat" }, model: model, endpoint: TestServer.Ephemeral(scheme == "unix" ? TransportKind.Unix : TransportKind.Tcp, dir));
        var data = ExecTestPeer.RandomBytes(10_000_000);

        var back = await rig.ExchangeAsync(data);

        Assert.Equal(data.Length, back.Length);
        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task AScriptThatAnswersAfterEndOfStreamIsHeardInFull(ConcurrencyModel model)
    {
        // The HTTP-like exchange: read the whole request (to the peer's FIN), think, answer, exit.
        await using var rig = await ExecRig.StartAsync(ExecOptions.Shell("n=$(wc -c); sleep 0.2; printf 'HTTP/1.0 200 OK\\r\\n\\r\\ngot %s bytes\\n' $n"), model: model);

        var back = await rig.ExchangeAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.0\r\n\r\n"));

        Assert.Equal("HTTP/1.0 200 OK\r\n\r\ngot 18 bytes\n", Encoding.ASCII.GetString(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task APythonProgramReadsWhoIsCallingFromItsEnvironment()
    {
        var options = new ExecOptions { Program = "python3" };
        options.Arguments.Add("-c");
        options.Arguments.Add("import os; print(' '.join(os.environ[k] for k in ['PROTO', 'REMOTE_ADDR', 'REMOTE_PORT', 'LOCAL_ADDR', 'LOCAL_PORT', 'TCPREMOTEIP', 'TCPREMOTEPORT', 'TCPLOCALIP', 'TCPLOCALPORT']))");
        await using var rig = await ExecRig.StartAsync(options);
        var client = (IPEndPoint)rig.Socket.LocalEndPoint!;
        var port = ExecTestPeer.Tcp(rig.Server).Port;

        var back = Encoding.ASCII.GetString(await rig.ExchangeAsync([]));

        Assert.Equal($"TCP 127.0.0.1 {client.Port} 127.0.0.1 {port} 127.0.0.1 {client.Port} 127.0.0.1 {port}\n", back);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task AProgramThatExitsAtOnceEndsTheConnectionWithAFin(ConcurrencyModel model)
    {
        await using var rig = await ExecRig.StartAsync(new ExecOptions { Program = "true" }, model: model);

        // No half-close from us: the program's exit alone ends what we read, with a FIN, not a reset.
        var back = await ExecTestPeer.ReadToEndAsync(rig.Socket).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        Assert.Empty(back);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task OutputWrittenAfterStdinClosedStillArrives(ConcurrencyModel model)
    {
        await using var rig = await ExecRig.StartAsync(ExecOptions.Shell("cat > /dev/null; sleep 0.3; echo late; sleep 0.1; echo later"), model: model);

        var back = await rig.ExchangeAsync(ExecTestPeer.RandomBytes(100_000));

        Assert.Equal("late\nlater\n", Encoding.ASCII.GetString(back));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Models))]
    public async Task AProgramThatStopsReadingStillDeliversItsAnswerWhileThePeerGoesOnSending(ConcurrencyModel model)
    {
        // It reads one line, closes stdin, answers and exits; the peer keeps sending 2 MB meanwhile. The server
        // discards the rest, so the answer arrives whole and ends with a FIN, not a reset.
        await using var rig = await ExecRig.StartAsync(ExecOptions.Shell("read line; exec 0<&-; echo \"bye $line\""), model: model);
        var data = new byte[2_000_000];
        Encoding.ASCII.GetBytes("first\n").CopyTo(data, 0);

        var back = await rig.ExchangeAsync(data);

        Assert.Equal("bye first\n", Encoding.ASCII.GetString(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task StderrGoesToTheLogALineAtATimeWithTheConnectionId()
    {
        var logs = new RecordingLoggerFactory();
        await using var rig = await ExecRig.StartAsync(ExecOptions.Shell("echo out; echo oops >&2; printf 'no newline' >&2"), logs: logs);

        var back = await rig.ExchangeAsync([]);

        Assert.Equal("out\n", Encoding.ASCII.GetString(back));
        Assert.True(await Eventually.TrueAsync(() => logs.Lines.Any(l => l.Contains("exited with status 0", StringComparison.Ordinal))));
        Assert.Contains(logs.Lines, l => l.StartsWith("connection #1: pid ", StringComparison.Ordinal) && l.EndsWith(" stderr: oops", StringComparison.Ordinal));
        Assert.Contains(logs.Lines, l => l.EndsWith(" stderr: no newline", StringComparison.Ordinal));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ExecStderr.Peer, "out\noops\n")]
    [InlineData(ExecStderr.Discard, "out\n")]
    public async Task StderrCanGoToThePeerOrNowhere(ExecStderr stderr, string expected)
    {
        var options = ExecOptions.Shell("echo out; echo oops >&2");
        options.Stderr = stderr;
        await using var rig = await ExecRig.StartAsync(options);

        var back = await rig.ExchangeAsync([]);

        Assert.Equal(expected, Encoding.ASCII.GetString(back));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AProgramThatCannotBeFoundIsOneLineAtConstruction()
    {
        var e = Assert.Throws<ExecProgramException>(() => new ExecService(new ExecOptions { Program = "no-such-program-here" }));
        Assert.Equal("cannot run 'no-such-program-here': not found in PATH", e.Message);
        await Task.CompletedTask;
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AProgramGoneSinceStartIsOneLinePerConnectionAndTheServerGoesOn()
    {
        using var dir = new TempDirectory();
        var script = dir.File("vanishing.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho hi\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var logs = new RecordingLoggerFactory();
        using var service = new ExecService(new ExecOptions { Program = script }, logs);
        await using var server = TestServer.Start(service, ConcurrencyModel.Async, EndpointUri.Parse("tcp://127.0.0.1:0"));
        using (var first = await ExecTestPeer.ConnectAsync(server))
        {
            Assert.Equal("hi\n", Encoding.ASCII.GetString(await ExecTestPeer.ExchangeAsync(first, [])));
        }

        File.Delete(script);
        using (var second = await ExecTestPeer.ConnectAsync(server))
        {
            // Nothing was started to answer it: a plain end of stream (FIN) with no bytes, not a reset.
            var back = await ExecTestPeer.ReadToEndAsync(second).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
            Assert.Empty(back);
        }

        Assert.True(await Eventually.TrueAsync(() => logs.Lines.Any(l => l.Contains("cannot start " + script + ": posix_spawn: No such file", StringComparison.Ordinal))));
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho back\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        using var third = await ExecTestPeer.ConnectAsync(server);
        Assert.Equal("back\n", Encoding.ASCII.GetString(await ExecTestPeer.ExchangeAsync(third, [])));
    }
}
