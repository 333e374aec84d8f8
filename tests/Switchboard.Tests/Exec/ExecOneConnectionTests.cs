using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>
/// <c>switchboard listen --exec</c> and <c>connect --exec</c> as processes (ncat's <c>-e</c>, <c>-c</c>): nc and
/// socat as clients of listen, a listener of the test's own for connect; tcp and unix, relay and direct.
/// </summary>
[Collection(ExecTestGroup.Name)]
public sealed class ExecOneConnectionTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("relay")]
    [InlineData("direct")]
    public async Task ListenExecCatEchoesWhatNcSendsByteForByte(string mode)
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0", "--exec-mode", mode, "--exec", "cat");
        await using (listen)
        {
            var text = string.Concat(Enumerable.Range(0, 5000).Select(i => $"line {i} {Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(i)))}\n"));

            var nc = await PeerProcess.RunAsync("nc", ["-N", "127.0.0.1", Port(endpoint)], text, RunLimit);

            Assert.Equal(Sha256(text), Sha256(nc.StandardOutput));
            Assert.Equal(0, await listen.WaitForExitAsync(RunLimit)); // cat's status
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenShExecReadsToEndOfStreamThenAnswersSocat()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0", "--sh-exec", "n=$(wc -c); sleep 0.2; echo \"got $n bytes\"");
        await using (listen)
        {
            var socat = await PeerProcess.RunAsync("socat", ["-t", "10", "-", "TCP:127.0.0.1:" + Port(endpoint)], "twelve bytes", RunLimit);

            Assert.Equal("got 12 bytes\n", socat.StandardOutput);
            Assert.Equal(0, await listen.WaitForExitAsync(RunLimit));
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task WhatTheProgramWritesAfterItsStdinClosedStillReachesThePeer()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0", "-c", "cat > /dev/null; sleep 0.3; echo late; sleep 0.1; echo later");
        await using (listen)
        {
            var nc = await PeerProcess.RunAsync("nc", ["-N", "127.0.0.1", Port(endpoint)], new string('x', 100_000), RunLimit);

            Assert.Equal("late\nlater\n", nc.StandardOutput);
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenTellsTheProgramWhoIsCallingInItsEnvironment()
    {
        var (listen, endpoint) = await CliProcess.ListenAsync("tcp://127.0.0.1:0", "-c", "echo \"$PROTO $REMOTE_ADDR $LOCAL_ADDR $LOCAL_PORT $TCPLOCALPORT $TCPREMOTEIP\"");
        await using (listen)
        {
            var nc = await PeerProcess.RunAsync("nc", ["-N", "127.0.0.1", Port(endpoint)], "", RunLimit);

            Assert.Equal($"TCP 127.0.0.1 127.0.0.1 {endpoint.Port} {endpoint.Port} 127.0.0.1\n", nc.StandardOutput);
        }
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("relay")]
    [InlineData("direct")]
    public async Task ListenExecOverAUnixSocketEchoesForSocat(string mode)
    {
        var path = _dir.File("exec.sock");
        var (listen, _) = await CliProcess.ListenAsync("unix://" + path, "--exec-mode", mode, "--sh-exec", "echo \"$PROTO\"; exec cat");
        await using (listen)
        {
            var socat = await PeerProcess.RunAsync("socat", ["-t", "10", "-", "UNIX-CONNECT:" + path], "over unix\n", RunLimit);

            Assert.Equal("UNIX\nover unix\n", socat.StandardOutput);
            Assert.Equal(0, await listen.WaitForExitAsync(RunLimit));
        }
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("tcp", "relay")]
    [InlineData("tcp", "direct")]
    [InlineData("unix", "relay")]
    [InlineData("unix", "direct")]
    public async Task ConnectExecRunsTheProgramOnTheConnectionEachDirectionEndingOnItsOwn(string scheme, string mode)
    {
        using var listener = Listen(scheme, out var uri);
        await using var connect = CliProcess.Start("connect", uri, "--exec-mode", mode, "--sh-exec", "echo \"$PROTO $REMOTE_PORT $LOCAL_PORT\"; exec cat");
        using var peer = await listener.AcceptAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        var data = ExecTestPeer.RandomBytes(256 * 1024);

        var back = await ExecTestPeer.ExchangeAsync(peer, data); // we half-close: cat ends, then the FIN comes back

        var expected = scheme == "unix"
            ? "UNIX  \n"
            : $"TCP {((IPEndPoint)peer.LocalEndPoint!).Port} {((IPEndPoint)peer.RemoteEndPoint!).Port}\n";
        var header = Encoding.ASCII.GetByteCount(expected);
        Assert.Equal(expected, Encoding.ASCII.GetString(back, 0, Math.Min(header, back.Length)));
        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back[header..]));
        Assert.Equal(0, await connect.WaitForExitAsync(RunLimit));
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("exit 3", 3)]
    [InlineData("kill -TERM $$", 143)]
    public async Task ConnectExecExitsWithTheProgramsStatus(string script, int status)
    {
        using var listener = Listen("tcp", out var uri);
        await using var connect = CliProcess.Start("connect", uri, "-v", "--sh-exec", script);
        using var peer = await listener.AcceptAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        Assert.Empty(await ExecTestPeer.ReadToEndAsync(peer).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken)); // a FIN, no bytes
        Assert.Equal(status, await connect.WaitForExitAsync(RunLimit));
        var outcome = status == 143 ? "killed by signal 15 (SIGTERM)" : "exited with status 3";
        Assert.Contains($"switchboard: done: /bin/sh {outcome}", connect.StandardError, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("connect", "cannot run 'no-such-program-for-exec': not found in PATH", "--exec", "no-such-program-for-exec --flag")]
    [InlineData("listen", "cannot run 'no-such-program-for-exec': not found in PATH", "-e", "no-such-program-for-exec")]
    [InlineData("connect", "connect: give --exec or --sh-exec, not both", "--exec", "cat", "--sh-exec", "cat")]
    [InlineData("listen", "--exec-mode direct: a TLS connection cannot be handed to a program (it would read ciphertext); use relay, the default", "--tls-self-signed", "--exec-mode", "direct", "--exec", "cat")]
    public async Task WhatCannotRunIsOneLineBeforeAnythingConnectsAndExitTwo(string command, string message, params string[] options)
    {
        using var listener = Listen("tcp", out var uri);
        var target = command == "listen" ? (options.Contains("--tls-self-signed") ? "tls://127.0.0.1:0" : "tcp://127.0.0.1:0") : uri;

        var (code, _, stderr) = await CliProcess.RunAsync(RunLimit, [command, target, .. options]);

        Assert.Equal(2, code);
        Assert.Equal("switchboard: " + message, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
        if (command == "connect")
        {
            // Checked before connecting: nobody came.
            using var probe = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await listener.AcceptAsync(probe.Token));
        }
    }

    private Socket Listen(string scheme, out string uri)
    {
        Socket listener;
        if (scheme == "unix")
        {
            var path = _dir.File(Guid.NewGuid().ToString("N")[..8] + ".sock");
            listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            uri = "unix://" + path;
        }
        else
        {
            listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            uri = "tcp://127.0.0.1:" + ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
        }

        listener.Listen();
        return listener;
    }

    private static string Port(EndpointUri endpoint) => endpoint.Port.ToString(CultureInfo.InvariantCulture);

    private static string Sha256(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
