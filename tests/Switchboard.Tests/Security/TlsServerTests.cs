using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Security;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Security;

/// <summary>The server's TLS behaviour: handshake deadline and slots, plain text, mutual TLS, ALPN, reload.</summary>
public sealed class TlsServerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeLogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly X509Certificate2 _authority = TestCertificates.CreateAuthority();

    public TlsServerTests()
    {
        _loggerFactory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(new FakeLoggerProvider(_logs)));
    }

    public static TheoryData<ConcurrencyModel> Models => TestServer.AllModels;

    public void Dispose()
    {
        _loggerFactory.Dispose();
        _authority.Dispose();
        _dir.Dispose();
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Models))]
    public async Task ASilentClientHoldsItsSlotOnlyUntilTheHandshakeDeadline(ConcurrencyModel model)
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        await using var server = Start(model, new TlsServerOptions { Certificate = certificate, HandshakeTimeout = TimeSpan.FromMilliseconds(700) }, o => o.MaxConnections = 1);
        var endpoint = server.Listeners[0].Endpoint;
        using var silent = await TestClient.ConnectAsync(endpoint);
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 1));

        // The silent client is cut off at the deadline (not at the idle timeout) and its slot is free again.
        var started = Environment.TickCount64;
        var buffer = new byte[16];
        int ended;
        try
        {
            ended = await silent.ReceiveAsync(buffer, SocketFlags.None, TestContext.Current.CancellationToken);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            ended = 0;
        }

        Assert.Equal(0, ended);
        Assert.InRange(Environment.TickCount64 - started, 0, 5_000);
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));
        Assert.True(await Eventually.TrueAsync(() => _logs.GetSnapshot().Any(r => r.Level == LogLevel.Warning && r.Message.Contains("TLS handshake", StringComparison.Ordinal) && r.Message.Contains("no handshake within 0.7 s", StringComparison.Ordinal))));

        using var next = await TlsTestClient.ConnectAsync(endpoint, certificate);
        await next.SendAsync("after\n"u8.ToArray());
        Assert.Equal("after\n"u8.ToArray(), await next.ReadExactlyAsync(6));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [MemberData(nameof(Models))]
    public async Task PlainTextToATlsPortIsRefusedAtOnceAndLoggedOnceWithThePeer(ConcurrencyModel model)
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        await using var server = Start(model, new TlsServerOptions { Certificate = certificate, HandshakeTimeout = TimeSpan.FromSeconds(20) });
        using var plain = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await plain.SendAllAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
        var started = Environment.TickCount64;
        try
        {
            await plain.ReadToEndAsync(); // whatever alert comes, then the end
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }

        Assert.InRange(Environment.TickCount64 - started, 0, 10_000); // long before the 20 s deadline
        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));
        var warnings = _logs.GetSnapshot().Where(r => r.Level == LogLevel.Warning && r.Message.Contains("TLS handshake", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings);
        Assert.Contains("127.0.0.1", warnings[0].Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task MutualTlsServesAClientWithACertificateFromTheCaAndRefusesOneWithout()
    {
        using var serverCertificate = TestCertificates.CreateLeaf(_authority);
        using var clientCertificate = TestCertificates.CreateLeaf(_authority, "client", client: true);
        using var stranger = TlsCertificates.CreateSelfSigned("stranger");
        var tls = new TlsServerOptions { Certificate = serverCertificate, ClientCertificateAuthorityPath = TestCertificates.WriteCertificate(_authority, _dir, "ca") };
        await using var server = Start(ConcurrencyModel.Async, tls);
        var endpoint = server.Listeners[0].Endpoint;

        using (var accepted = await TlsTestClient.ConnectAsync(endpoint, serverCertificate, clientCertificate))
        {
            await accepted.SendAsync("mtls\n"u8.ToArray());
            Assert.Equal("mtls\n"u8.ToArray(), await accepted.ReadExactlyAsync(5));
        }

        Assert.True(await RefusedAsync(() => TlsTestClient.ConnectAsync(endpoint, serverCertificate)));
        Assert.True(await RefusedAsync(() => TlsTestClient.ConnectAsync(endpoint, serverCertificate, stranger)));
        Assert.True(await Eventually.TrueAsync(() => _logs.GetSnapshot().Any(r => r.Message.Contains("TLS handshake", StringComparison.Ordinal))));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(ConcurrencyModel.Async)]
    [InlineData(ConcurrencyModel.Threads)]
    public async Task AClientResetWhileTheConnectionIsIdleIsAPeerResetNotAHandlerFailure(ConcurrencyModel model)
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        await using var server = Start(model, new TlsServerOptions { Certificate = certificate });
        var client = await TlsTestClient.ConnectAsync(server.Listeners[0].Endpoint, certificate);
        await client.SendAsync("x"u8.ToArray());
        Assert.Equal("x"u8.ToArray(), await client.ReadExactlyAsync(1));

        client.Socket.LingerState = new LingerOption(true, 0); // close sends RST
        client.Dispose();

        Assert.True(await Eventually.TrueAsync(() => server.ActiveConnections == 0));
        Assert.DoesNotContain(_logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AlpnNegotiatesTheFirstProtocolBothOffer()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        var tls = new TlsServerOptions { Certificate = certificate };
        tls.ApplicationProtocols.Add("sb/1");
        tls.ApplicationProtocols.Add("http/1.1");
        await using var server = Start(ConcurrencyModel.Select, tls);
        using var client = await TlsTestClient.ConnectAsync(server.Listeners[0].Endpoint, certificate, alpn: ["http/1.1", "sb/1"]);
        Assert.Equal("sb/1", client.Stream.NegotiatedApplicationProtocol.ToString());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AReloadGivesNewConnectionsTheNewCertificateKeepsLiveOnesAndAFailedOneKeepsTheOld()
    {
        using var first = TestCertificates.CreateLeaf(_authority);
        using var second = TestCertificates.CreateLeaf(_authority);
        var (certPath, keyPath) = TestCertificates.WritePem(first, _dir, "server");
        await using var server = Start(ConcurrencyModel.Async, new TlsServerOptions { CertificatePath = certPath, KeyPath = keyPath });
        var endpoint = server.Listeners[0].Endpoint;
        using var live = await TlsTestClient.ConnectAsync(endpoint, first);

        TestCertificates.WritePem(second, _dir, "server");
        Assert.True(server.ReloadTlsCertificate());
        using (var newcomer = await TlsTestClient.ConnectAsync(endpoint, second))
        {
            Assert.Equal(second.Thumbprint, new X509Certificate2(newcomer.Stream.RemoteCertificate!).Thumbprint);
        }

        await live.SendAsync("still here\n"u8.ToArray());
        Assert.Equal("still here\n"u8.ToArray(), await live.ReadExactlyAsync(11));

        File.WriteAllText(certPath, "not a certificate");
        Assert.False(server.ReloadTlsCertificate());
        Assert.Contains(_logs.GetSnapshot(), r => r.Level == LogLevel.Warning && r.Message.Contains("reload failed", StringComparison.Ordinal) && r.Message.Contains(certPath, StringComparison.Ordinal));
        using var after = await TlsTestClient.ConnectAsync(endpoint, second);
        Assert.Equal(second.Thumbprint, new X509Certificate2(after.Stream.RemoteCertificate!).Thumbprint);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APkcs12FileServesLikePem()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority);
        var path = _dir.File("server.p12");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, "secret"));
        await using var server = Start(ConcurrencyModel.Threads, new TlsServerOptions { CertificatePath = path, Password = "secret" });
        using var client = await TlsTestClient.ConnectAsync(server.Listeners[0].Endpoint, certificate);
        await client.SendAsync("p12\n"u8.ToArray());
        Assert.Equal("p12\n"u8.ToArray(), await client.ReadExactlyAsync(4));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AMissingCertificateFileFailsTheStartWithOneLineNamingIt()
    {
        var options = new ServerOptions { Tls = new TlsServerOptions { CertificatePath = _dir.File("absent.pem") } };
        options.Listen.Add(EndpointUri.Parse("tls://127.0.0.1:0"));
        var server = new Server(options, new EchoService(), null);
        var error = Assert.Throws<TlsCertificateException>(server.Start);
        Assert.Contains("absent.pem", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Empty(server.Listeners);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ATlsEndpointWithoutTlsSettingsIsRefusedAtStart()
    {
        var options = new ServerOptions();
        options.Listen.Add(EndpointUri.Parse("tls://127.0.0.1:0"));
        Assert.Throws<ArgumentException>(new Server(options, new EchoService(), null).Start);
    }

    private static async Task<bool> RefusedAsync(Func<Task<TlsTestClient>> connect)
    {
        try
        {
            // Under TLS 1.3 the server's verdict on a client certificate arrives after the client's handshake ends:
            // the first read then fails, or ends.
            using var client = await connect();
            await client.SendAsync("x\n"u8.ToArray());
            using var timeout = new CancellationTokenSource(TestTimeouts.Io);
            var n = await client.Stream.ReadAsync(new byte[2], timeout.Token);
            return n == 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            return true;
        }
    }

    private Server Start(ConcurrencyModel model, TlsServerOptions tls, Action<ServerOptions>? configure = null)
    {
        var options = new ServerOptions { Model = model, DrainTimeout = TimeSpan.FromSeconds(2), Tls = tls };
        options.Listen.Add(EndpointUri.Parse("tls://127.0.0.1:0"));
        configure?.Invoke(options);
        var server = new Server(options, new EchoService() as IStreamHandler, null, _loggerFactory);
        server.Start();
        return server;
    }
}
