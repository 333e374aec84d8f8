using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Switchboard.Cli.Commands;
using Switchboard.Endpoints;
using Switchboard.Hosting;
using Switchboard.Security;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Interop;

/// <summary>
/// Real TLS peers against our tls:// servers: OpenSSL's <c>s_client</c>, <c>socat OPENSSL:</c>, Python's <c>ssl</c>
/// module and Debian's <c>stunnel4</c> in client mode, each verifying our certificate against the CA file it was given.
/// </summary>
public sealed class TlsPeerTests : IDisposable
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory _dir = new();
    private readonly X509Certificate2 _certificate = TlsCertificates.CreateSelfSigned();
    private readonly string _trust;

    public TlsPeerTests()
    {
        _trust = TestCertificates.WriteCertificate(_certificate, _dir, "trust");
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task SocatOverOpensslGetsItsLinesEchoedAndTheEndAfterItsCloseNotify(ConcurrencyModel model)
    {
        await using var server = Start("echo", model);
        var endpoint = server.Listeners[0].Endpoint;
        var (code, stdout, stderr) = await PeerProcess.RunAsync(
            "socat", ["-t", "10", "-", $"OPENSSL:127.0.0.1:{Port(endpoint)},cafile={_trust},commonname=localhost"], "one\ntwo\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal("one\ntwo\n", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task SocatOverOpensslChatsAndQuits()
    {
        await using var server = Start("chat", ConcurrencyModel.Select);
        var (code, stdout, stderr) = await PeerProcess.RunAsync(
            "socat", ["-t", "10", "-", $"OPENSSL:127.0.0.1:{Port(server.Listeners[0].Endpoint)},cafile={_trust},commonname=localhost"], "carol\n/quit\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Contains("Hello carol.", stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task OpensslSClientVerifiesOurCertificateAndChats()
    {
        await using var server = Start("chat", ConcurrencyModel.Async);
        var (code, stdout, stderr) = await PeerProcess.RunAsync(
            "openssl",
            ["s_client", "-connect", $"127.0.0.1:{Port(server.Listeners[0].Endpoint)}", "-CAfile", _trust, "-verify_return_error", "-verify_hostname", "localhost", "-ign_eof"],
            "dave\n/quit\n",
            PeerTimeout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("Verify return code: 0 (ok)", stdout, StringComparison.Ordinal);
        Assert.Contains("Hello dave.", stdout, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task OpensslSClientVerifiesOurCertificateAndGetsItsLinesEchoed(ConcurrencyModel model)
    {
        // s_client -quiet ignores its stdin's end and leaves when the server closes: the idle timeout closes it here,
        // after the echo (an s_client that left at its stdin's end could leave before the echo is back). That close
        // is abortive (a reset: s_client then exits 1), so what is checked is the verification and the echo.
        await using var server = Start("echo", model, idleTimeout: TimeSpan.FromSeconds(2));
        var (code, stdout, stderr) = await PeerProcess.RunAsync(
            "openssl",
            ["s_client", "-quiet", "-connect", $"127.0.0.1:{Port(server.Listeners[0].Endpoint)}", "-CAfile", _trust, "-verify_return_error", "-verify_hostname", "localhost"],
            "first line\nsecond line\n",
            PeerTimeout);
        Assert.True(stdout == "first line\nsecond line\n", $"exit {code}: {stdout} {stderr}");
        Assert.Contains("verify return:1", stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task PythonsSslModuleJoinsTheChatIsGreetedByNameAndQuits()
    {
        await using var server = Start("chat", ConcurrencyModel.Async);
        var script = _dir.File("tls_chat_client.py");
        File.WriteAllText(script, """
            import socket, ssl, sys
            port, ca = int(sys.argv[1]), sys.argv[2]
            context = ssl.create_default_context(cafile=ca)
            with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    tls.sendall(b"erin\n/quit\n")
                    got = bytearray()
                    while True:
                        piece = tls.recv(4096)
                        if not piece:
                            break
                        got += piece
                    sys.stdout.write(got.decode())
            """);
        var (code, stdout, stderr) = await PeerProcess.RunAsync("python3", [script, Port(server.Listeners[0].Endpoint), _trust], "", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Contains("Hello erin.", stdout, StringComparison.Ordinal);
    }

    // stunnel cannot listen on port 0, so it runs in inetd mode (a configuration with no service section): the plain
    // client's side is stunnel's own stdin and stdout, the test's pipes, and no port is picked at all. Its log goes
    // to stderr (in inetd mode it would go to syslog).
    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    public async Task StunnelAsTheTlsClientCarriesAPlainClientsLinesToOurEchoAndBack(ConcurrencyModel model)
    {
        await using var server = Start("echo", model);
        var config = StunnelClientConfig(server.Listeners[0].Endpoint, "localhost");
        var (code, stdout, stderr) = await PeerProcess.RunAsync("stunnel4", [config], "one\ntwo\n", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Equal("one\ntwo\n", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task StunnelRefusesOurCertificateForAnotherNameAndCarriesNothing()
    {
        await using var server = Start("echo", ConcurrencyModel.Async);
        var config = StunnelClientConfig(server.Listeners[0].Endpoint, "elsewhere.test");
        var (_, stdout, stderr) = await PeerProcess.RunAsync("stunnel4", [config], "secret\n", PeerTimeout);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("certificate verify failed", stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(TestServer.AllModels), MemberType = typeof(TestServer))]
    public async Task OpensslSClientGetsDaytimeAndACleanEnd(ConcurrencyModel model)
    {
        await using var server = Start("daytime", model);
        var (code, stdout, stderr) = await PeerProcess.RunAsync(
            "openssl",
            ["s_client", "-quiet", "-connect", $"127.0.0.1:{Port(server.Listeners[0].Endpoint)}", "-CAfile", _trust, "-verify_return_error", "-ign_eof"],
            "",
            PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.Matches(@"^\w+, \w+ \d{1,2}, \d{4} \d\d:\d\d:\d\d-UTC\r?\n$", stdout);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Select)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task PythonsSslModuleEchoes64KiBReadInPartialPieces(ConcurrencyModel model)
    {
        await using var server = Start("echo", model);
        var script = _dir.File("tls_echo_client.py");
        File.WriteAllText(script, """
            import socket, ssl, sys
            port, ca = int(sys.argv[1]), sys.argv[2]
            context = ssl.create_default_context(cafile=ca)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            data = bytes(i % 251 for i in range(65536))
            with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    tls.sendall(data)
                    got = bytearray()
                    while len(got) < len(data):
                        piece = tls.recv(777)
                        if not piece:
                            break
                        got += piece
                    print("ok" if bytes(got) == data else "mismatch after %d bytes" % len(got))
                    print(tls.version())
            """);
        var (code, stdout, stderr) = await PeerProcess.RunAsync("python3", [script, Port(server.Listeners[0].Endpoint), _trust], "", PeerTimeout);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("ok\nTLSv1.", stdout, StringComparison.Ordinal);
    }

    private string StunnelClientConfig(EndpointUri endpoint, string checkHost)
    {
        var config = _dir.File($"stunnel-{checkHost}.conf");
        File.WriteAllText(config, $"""
            pid =
            client = yes
            connect = 127.0.0.1:{Port(endpoint)}
            CAfile = {_trust}
            verifyChain = yes
            checkHost = {checkHost}
            debug = 4
            output = /dev/stderr
            """);
        return config;
    }

    private static string Port(EndpointUri endpoint) => endpoint.Port.ToString(CultureInfo.InvariantCulture);

    private Server Start(string name, ConcurrencyModel model, TimeSpan? idleTimeout = null)
    {
        var service = ServiceCatalog.Create(name, new ServiceOptions())!;
        return TestServer.Start(service.StreamHandler, model, EndpointUri.Parse("tls://127.0.0.1:0"), o =>
        {
            o.Tls = new TlsServerOptions { Certificate = _certificate };
            o.IdleTimeout = idleTimeout ?? o.IdleTimeout;
        });
    }
}
