using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Security;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Security;

/// <summary>The client side: verification on by default, its failures in one line, half-close as close_notify.</summary>
public sealed class TlsClientTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly X509Certificate2 _authority = TestCertificates.CreateAuthority();

    public void Dispose()
    {
        _authority.Dispose();
        _dir.Dispose();
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AClientTrustingTheCaEchoesAndReadsTheReplyAfterItsHalfClose()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority);
        await using var server = StartEcho(certificate);
        await using var client = await SocketClient.ConnectAsync(server.Listeners[0].Endpoint, Trusting(_authority), TestContext.Current.CancellationToken);
        var message = new byte[100_000];
        Random.Shared.NextBytes(message);
        await client.Output.WriteAsync(message, TestContext.Current.CancellationToken);
        await client.ShutdownOutputAsync(TestContext.Current.CancellationToken);
        Assert.Equal(message, await ReadToEndAsync(client));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ASelfSignedServerIsRefusedWithoutATrustAnchorInOneLine()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        await using var server = StartEcho(certificate);
        var endpoint = server.Listeners[0].Endpoint;
        var error = await Assert.ThrowsAsync<TlsHandshakeException>(() => SocketClient.ConnectAsync(endpoint, null, TestContext.Current.CancellationToken));
        Assert.Contains(endpoint.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains("not trusted", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ACertificateForAnotherNameIsRefusedAsANameMismatch()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority, "server.test");
        await using var server = StartEcho(certificate);
        var options = Trusting(_authority);
        options.Tls!.ServerName = "other.test";
        var error = await Assert.ThrowsAsync<TlsHandshakeException>(() => SocketClient.ConnectAsync(server.Listeners[0].Endpoint, options, TestContext.Current.CancellationToken));
        Assert.Contains("name mismatch", error.Message, StringComparison.Ordinal);
        Assert.Contains("other.test", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnExpiredCertificateIsRefusedAsExpired()
    {
        using var certificate = TestCertificates.CreateLeaf(_authority, expired: true);
        await using var server = StartEcho(certificate);
        var error = await Assert.ThrowsAsync<TlsHandshakeException>(() => SocketClient.ConnectAsync(server.Listeners[0].Endpoint, Trusting(_authority), TestContext.Current.CancellationToken));
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task SkippingVerificationConnectsToAnyCertificate()
    {
        using var certificate = TlsCertificates.CreateSelfSigned();
        await using var server = StartEcho(certificate);
        var options = new ClientOptions { Tls = new TlsClientOptions { SkipVerification = true } };
        await using var client = await SocketClient.ConnectAsync(server.Listeners[0].Endpoint, options, TestContext.Current.CancellationToken);
        await client.Output.WriteAsync("insecure"u8.ToArray(), TestContext.Current.CancellationToken);
        await client.ShutdownOutputAsync(TestContext.Current.CancellationToken);
        Assert.Equal("insecure", Encoding.ASCII.GetString(await ReadToEndAsync(client)));
    }

    private static async Task<byte[]> ReadToEndAsync(ClientConnection client)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Io);
        while (true)
        {
            var result = await client.Input.ReadAsync(timeout.Token);
            if (result.IsCompleted)
            {
                var all = result.Buffer.ToArray();
                client.Input.AdvanceTo(result.Buffer.End);
                return all;
            }

            client.Input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private ClientOptions Trusting(X509Certificate2 authority) =>
        new() { Tls = new TlsClientOptions { CertificateAuthorityPath = TestCertificates.WriteCertificate(authority, _dir, "ca-" + Guid.NewGuid().ToString("N")[..6]) } };

    private static Server StartEcho(X509Certificate2 certificate) =>
        TestServer.Start(new EchoService(), ConcurrencyModel.Async, EndpointUri.Parse("tls://127.0.0.1:0"), o => o.Tls = new TlsServerOptions { Certificate = certificate });
}
