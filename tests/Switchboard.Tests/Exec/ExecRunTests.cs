using System.Net;
using System.Net.Sockets;
using System.Text;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Security;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary>
/// <see cref="ExecService.RunAsync(ClientConnection, CancellationToken)"/> (a program on a client's connection) and
/// TLS: relayed through <c>serve exec</c>, refused in direct mode at server start.
/// </summary>
[Collection(ExecTestGroup.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ExecRunTests
{
    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ExecMode.Relay)]
    [InlineData(ExecMode.Direct)]
    public async Task RunAsyncOnAClientConnectionRelaysBothWaysAndReturnsTheExit(ExecMode mode)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var options = ExecOptions.Shell("cat; exit 5");
        options.Mode = mode;
        using var service = new ExecService(options);
        await using var connection = await SocketClient.ConnectAsync(EndpointUri.Parse("tcp://" + listener.LocalEndPoint), cancellationToken: TestContext.Current.CancellationToken);
        using var peer = await listener.AcceptAsync(TestContext.Current.CancellationToken);
        var data = ExecTestPeer.RandomBytes(1_000_000);

        var running = service.RunAsync(connection, TestContext.Current.CancellationToken).AsTask();
        var back = await ExecTestPeer.ExchangeAsync(peer, data);
        var exit = await running.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        Assert.Equal(ExecTestPeer.Sha256(data), ExecTestPeer.Sha256(back));
        Assert.Equal(new ExecExit(5, 0, exit.RunTime), exit);
        Assert.Equal(5, exit.ShellStatus);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task CancelingRunAsyncTerminatesTheChildAndStillReturnsItsExit()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var service = new ExecService(ExecOptions.Shell("echo ready; exec sleep 60"));
        await using var connection = await SocketClient.ConnectAsync(EndpointUri.Parse("tcp://" + listener.LocalEndPoint), cancellationToken: TestContext.Current.CancellationToken);
        using var peer = await listener.AcceptAsync(TestContext.Current.CancellationToken);
        using var stop = new CancellationTokenSource();

        var running = service.RunAsync(connection, stop.Token).AsTask();
        var ready = new byte[6];
        Assert.Equal(6, await peer.ReceiveAsync(ready, SocketFlags.None).WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken));
        await stop.CancelAsync();
        var exit = await running.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);

        Assert.Equal("ready\n", Encoding.ASCII.GetString(ready));
        Assert.Equal(15, exit.Signal);
        Assert.Equal(143, exit.ShellStatus);
        Assert.Equal("killed by signal 15 (SIGTERM)", exit.Describe());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DirectModeWithATlsEndpointIsRefusedAtServerStartBeforeAnythingIsBound()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        using var service = new ExecService(new ExecOptions { Program = "cat", Mode = ExecMode.Direct });
        var options = new ServerOptions { Tls = new TlsServerOptions { Certificate = certificate } };
        options.Listen.Add(EndpointUri.Parse("tls://127.0.0.1:0"));
        await using var server = new Server(options, service, null);

        var e = Assert.Throws<ArgumentException>(server.Start);

        Assert.Equal("tls://127.0.0.1:0: direct exec mode cannot hand a TLS connection to a program (it would read ciphertext); use ExecMode.Relay", e.Message);
        Assert.Empty(server.Listeners);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeExecOverTlsRelaysCatToOurConnectByteForByte()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "exec", "--listen", "tls://127.0.0.1:0", "--tls-self-signed", "--", "cat");
        await using (server)
        {
            var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"over tls {i}\n"));
            await using var connect = CliProcess.Start("connect", endpoints[0].ToString(), "--tls-insecure");
            await connect.StandardInput.WriteAsync(text);
            connect.StandardInput.Close(); // EOF: close_notify and FIN; cat's end of stdin

            Assert.Equal(0, await connect.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal(text, string.Concat(connect.StandardOutputLines.Select(l => l + "\n")));
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectExecOverTlsTalksToServeExecEachDirectionEndingOnItsOwn()
    {
        // Our side writes "ping" and closes its stdout (close_notify, FIN); the server's cat then ends and sends
        // "ping" back with its own end; our cat copies that to stderr, which the tool's own stderr is (inherit).
        var (server, endpoints) = await CliProcess.ServeAsync(1, "exec", "--listen", "tls://127.0.0.1:0", "--tls-self-signed", "--", "cat");
        await using (server)
        {
            var (code, _, stderr) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "connect", endpoints[0].ToString(), "--tls-insecure", "-c", "printf 'ping\\n'; exec >&-; sed 's/^/back: /' >&2");

            Assert.Equal(0, code);
            Assert.Contains("back: ping\n", stderr, StringComparison.Ordinal);
        }
    }
}
