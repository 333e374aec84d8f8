using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// The tool over TLS: <c>serve</c> with a certificate (files, PKCS#12 or self-signed), SIGHUP reload, mutual TLS;
/// <c>connect</c> against OpenSSL's <c>s_server</c> and our own server, its verification failures in one line.
/// </summary>
public sealed class TlsCommandTests : IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();
    private readonly X509Certificate2 _authority = TestCertificates.CreateAuthority();

    public void Dispose()
    {
        _authority.Dispose();
        _dir.Dispose();
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeSelfSignedListensOnTlsPrintsTheFingerprintAndConnectInsecureEchoesThroughIt()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tls://127.0.0.1:0", "--tls-self-signed");
        await using var _ = server;
        Assert.Equal(TransportKind.Tls, endpoints[0].Kind);
        Assert.Matches("SHA-256 fingerprint ([0-9A-F]{2}:){31}[0-9A-F]{2}", server.StandardError);

        var (code, stdout, stderr) = await RunConnectAsync("over tls\n", endpoints[0].ToString(), "--tls-insecure");
        Assert.True(code == 0, stderr);
        Assert.Equal("over tls\n", stdout);
        Assert.Contains("NOT verified", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeWithPemFilesMadeByOpensslServesSocatThatVerifiesThem()
    {
        var (cert, key) = (_dir.File("c.pem"), _dir.File("k.pem"));
        var (made, _, error) = await PeerProcess.RunAsync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-sha256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], "", RunTimeout);
        Assert.True(made == 0, error);
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tls://127.0.0.1:0", "--tls-cert", cert, "--tls-key", key);
        await using var _ = server;
        var (code, stdout, stderr) = await PeerProcess.RunAsync("socat", ["-t", "10", "-", $"OPENSSL:127.0.0.1:{Port(endpoints[0])},cafile={cert}"], "socat line\n", RunTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal("socat line\n", stdout);

        // Our own client verifies against the same file.
        (code, stdout, stderr) = await RunConnectAsync("ours\n", endpoints[0].ToString(), "--tls-ca", cert);
        Assert.True(code == 0, stderr);
        Assert.Equal("ours\n", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task SighupReloadsTheCertificateForNewConnectionsWhileALiveOneKeepsGoing()
    {
        using var first = TestCertificates.CreateLeaf(_authority);
        using var second = TestCertificates.CreateLeaf(_authority);
        var (cert, key) = TestCertificates.WritePem(first, _dir, "server");
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tls://127.0.0.1:0", "--tls-cert", cert, "--tls-key", key);
        await using var _ = server;
        using var live = await TlsTestClient.ConnectAsync(endpoints[0], first);

        TestCertificates.WritePem(second, _dir, "server");
        server.Signal(1); // SIGHUP
        Assert.True(await Eventually.TrueAsync(() => server.StandardError.Contains("certificate reloaded", StringComparison.Ordinal)), server.StandardError);
        using (var newcomer = await TlsTestClient.ConnectAsync(endpoints[0], second))
        {
            await newcomer.SendAsync("new\n"u8.ToArray());
            Assert.Equal("new\n"u8.ToArray(), await newcomer.ReadExactlyAsync(4));
        }

        await live.SendAsync("kept\n"u8.ToArray());
        Assert.Equal("kept\n"u8.ToArray(), await live.ReadExactlyAsync(5));

        File.WriteAllText(key, "garbage");
        server.Signal(1);
        Assert.True(await Eventually.TrueAsync(() => server.StandardError.Contains("reload failed", StringComparison.Ordinal)), server.StandardError);
        Assert.False(server.HasExited);
        using var after = await TlsTestClient.ConnectAsync(endpoints[0], second);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task MutualTlsServesAConnectWithAClientCertificateAndRefusesOneWithout()
    {
        using var serverCertificate = TestCertificates.CreateLeaf(_authority);
        using var clientCertificate = TestCertificates.CreateLeaf(_authority, "client", client: true);
        var (cert, key) = TestCertificates.WritePem(serverCertificate, _dir, "server");
        var (clientCert, clientKey) = TestCertificates.WritePem(clientCertificate, _dir, "client");
        var ca = TestCertificates.WriteCertificate(_authority, _dir, "ca");
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tls://127.0.0.1:0", "--tls-cert", cert, "--tls-key", key, "--tls-client-ca", ca);
        await using var _ = server;

        var (code, stdout, stderr) = await RunConnectAsync("mutual\n", endpoints[0].ToString(), "--tls-ca", ca, "--tls-cert", clientCert, "--tls-key", clientKey);
        Assert.True(code == 0, stderr);
        Assert.Equal("mutual\n", stdout);

        (code, stdout, stderr) = await RunConnectAsync("stranger\n", endpoints[0].ToString(), "--tls-ca", ca);
        Assert.Equal(string.Empty, stdout);
        Assert.True(await Eventually.TrueAsync(() => server.StandardError.Contains("TLS handshake", StringComparison.Ordinal)), server.StandardError);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectTalksToOpensslSServerAndPrintsTheReplyAfterItsHalfClose()
    {
        var (cert, key) = TestCertificates.WritePem(TestCertificates.CreateLeaf(_authority), _dir, "server");
        var ca = TestCertificates.WriteCertificate(_authority, _dir, "ca");
        await using var openssl = new ToolProcess("openssl", ["s_server", "-cert", cert, "-key", key, "-accept", "127.0.0.1:0", "-rev", "-naccept", "3"]);
        var accept = await openssl.WaitForLineAsync(l => l.StartsWith("ACCEPT ", StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        Assert.NotNull(accept);
        var port = accept[(accept.LastIndexOf(':') + 1)..].Trim();

        var (code, stdout, stderr) = await RunConnectAsync("hello\n", $"tls://127.0.0.1:{port}", "--tls-ca", ca);
        Assert.True(code == 0, stderr);
        Assert.Contains("olleh", stdout, StringComparison.Ordinal);

        // Verification on by default: the CA is not in the system store.
        (code, stdout, stderr) = await RunConnectAsync("x\n", $"tls://127.0.0.1:{port}");
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"tls://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains("not trusted", line, StringComparison.Ordinal);

        (code, _, stderr) = await RunConnectAsync("x\n", $"tls://127.0.0.1:{port}", "--tls-ca", ca, "--tls-server-name", "elsewhere.test");
        Assert.Equal(1, code);
        Assert.Contains("name mismatch", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenOverTlsRelaysAPeersBytesAndItsStdinBack()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority);
        var (cert, key) = TestCertificates.WritePem(certificate, _dir, "listen");
        var (process, endpoint) = await CliProcess.ListenAsync("tls://127.0.0.1:0", "--tls-cert", cert, "--tls-key", key);
        await using var listener = process;
        Assert.Equal(TransportKind.Tls, endpoint.Kind);

        await listener.StandardInput.WriteAsync("from listen\n");
        await listener.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
        using var peer = await TlsTestClient.ConnectAsync(endpoint, certificate);
        Assert.Equal("from listen\n"u8.ToArray(), await peer.ReadExactlyAsync(12));
        await peer.SendAsync("from peer\n"u8.ToArray());
        Assert.NotNull(await listener.WaitForLineAsync(l => l == "from peer", TimeSpan.FromSeconds(20)));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchEchoOverTlsChecks64KiBMessagesAndReportsThemWithoutErrors()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority);
        var ca = TestCertificates.WriteCertificate(_authority, _dir, "ca");
        await using var server = TestServer.Start(new Switchboard.Services.EchoService(), Switchboard.Serving.ConcurrencyModel.Async, EndpointUri.Parse("tls://127.0.0.1:0"), o => o.Tls = new Switchboard.Security.TlsServerOptions { Certificate = certificate });
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunTimeout, "bench", "echo", server.Listeners[0].Endpoint.ToString(), "--tls-ca", ca, "--connections", "2", "--size", "65536",
            "--duration", "1", "--warmup", "0.2", "--json");
        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        Assert.True(summary.GetProperty("messages").GetInt64() > 0, stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchConnectionsOverTlsHandshakesEachAndHoldsThemAll()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority);
        var ca = TestCertificates.WriteCertificate(_authority, _dir, "ca");
        await using var server = TestServer.Start(new Switchboard.Services.EchoService(), Switchboard.Serving.ConcurrencyModel.Async, EndpointUri.Parse("tls://127.0.0.1:0"), o => o.Tls = new Switchboard.Security.TlsServerOptions { Certificate = certificate });
        var peak = 0;
        var run = CliProcess.RunAsync(
            RunTimeout, "bench", "connections", server.Listeners[0].Endpoint.ToString(), "--tls-ca", ca, "--count", "20", "--duration", "1.5", "--json");
        while (!run.IsCompleted)
        {
            peak = Math.Max(peak, server.ActiveConnections);
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var (code, stdout, stderr) = await run;
        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(20, summary.GetProperty("opened").GetInt32());
        Assert.Equal(20, summary.GetProperty("accepted").GetInt32());
        Assert.Equal(0, summary.GetProperty("closedByServer").GetInt32());
        Assert.Equal(20, peak);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchConnectionsOverTlsCountsAnUntrustedServerAsRefused()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "tls://127.0.0.1:0", "--tls-self-signed");
        await using var _ = server;
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunTimeout, "bench", "connections", endpoints[0].ToString(), "--count", "3", "--duration", "0.5", "--json");
        Assert.True(code == 1, $"exit {code}: {stdout} {stderr}");
        var summary = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(0, summary.GetProperty("opened").GetInt32());
        Assert.Equal(3, summary.GetProperty("refused").GetInt32());
        Assert.False(string.IsNullOrEmpty(summary.GetProperty("firstError").GetString()), stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task BenchChatOverTlsJoinsEveryMemberAndCountsNoMoreDeliveriesThanWereRelayed()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority);
        var ca = TestCertificates.WriteCertificate(_authority, _dir, "ca");
        var relay = new LineRelayHandler(askNick: true);
        await using var server = TestServer.Start(relay, Switchboard.Serving.ConcurrencyModel.Async, EndpointUri.Parse("tls://127.0.0.1:0"), o => o.Tls = new Switchboard.Security.TlsServerOptions { Certificate = certificate });
        var (code, stdout, stderr) = await CliProcess.RunAsync(
            RunTimeout, "bench", "chat", server.Listeners[0].Endpoint.ToString(), "--tls-ca", ca, "--members", "20", "--senders", "3",
            "--rate", "50", "--duration", "1", "--warmup", "0.3", "--nick", "--json");

        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        var summary = System.Text.Json.JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(20, summary.GetProperty("joined").GetInt32());
        Assert.Equal(0, summary.GetProperty("dropped").GetInt32());
        var deliveries = summary.GetProperty("deliveries").GetInt64();
        Assert.True(summary.GetProperty("sent").GetInt64() > 0 && deliveries > 0, stdout);
        // Each relayed line reaches the 19 other members at most.
        Assert.True(deliveries <= relay.LinesRelayed * 19L, $"{deliveries} deliveries but {relay.LinesRelayed} lines relayed");
        Assert.True(summary.GetProperty("latency").GetProperty("p50Us").GetDouble() > 0, stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ServeRefusesATlsEndpointWithoutACertificateAsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(RunTimeout, "serve", "echo", "--listen", "tls://127.0.0.1:0");
        Assert.Equal(2, code);
        Assert.Contains("--tls-cert", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliProcess.RunAsync(RunTimeout, "serve", "echo", "--listen", "tls://127.0.0.1:0", "--tls-cert", _dir.File("absent.pem"));
        Assert.Equal(1, code);
        Assert.Contains("absent.pem", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static string Port(EndpointUri endpoint) => endpoint.Port.ToString(CultureInfo.InvariantCulture);

    private static async Task<(int Code, string Stdout, string Stderr)> RunConnectAsync(string input, params string[] arguments)
    {
        await using var process = CliProcess.Start(["connect", .. arguments]);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var code = await process.WaitForExitAsync(RunTimeout);
        var stdout = string.Join('\n', process.StandardOutputLines);
        return (code, stdout.Length > 0 ? stdout + "\n" : stdout, process.StandardError);
    }

    /// <summary>A third-party tool kept running beside the test (openssl s_server).</summary>
    private sealed class ToolProcess(string file, IEnumerable<string> arguments) : ChildProcess(file, arguments);
}
