using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Switchboard.Endpoints;
using Switchboard.Security;
using Switchboard.Security.Internal;
using Switchboard.Transport.Internal;

namespace Switchboard.Client.Internal;

/// <summary>The client side of the handshake for a tls:// endpoint, over a connected socket.</summary>
internal static class ClientTls
{
    public static async Task<TlsSocketIO> AuthenticateAsync(EndpointUri endpoint, Socket socket, TlsClientOptions? options, CancellationToken cancellationToken)
    {
        options ??= new TlsClientOptions();
        var serverName = options.ServerName ?? endpoint.Host ?? "localhost";
        var authorities = options.CertificateAuthorityPath is { } path ? TlsCertificates.LoadAuthorities(path) : null;
        var check = new ServerCertificateCheck(authorities, serverName);
        var client = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            AllowRenegotiation = false,
            // SkipVerification is the caller's explicit, documented choice (--tls-insecure says so on stderr).
#pragma warning disable CA5359
            RemoteCertificateValidationCallback = options.SkipVerification
                ? static (_, _, _, _) => true
                : (_, certificate, chain, errors) => check.Verify(certificate, chain, errors),
#pragma warning restore CA5359
        };

        if (options.ClientCertificate is { } own)
        {
            client.ClientCertificateContext = SslStreamCertificateContext.Create(own, null, offline: true);
        }

        if (options.ApplicationProtocols.Count > 0)
        {
            client.ApplicationProtocols = [.. options.ApplicationProtocols.Select(p => new SslApplicationProtocol(p))];
        }

        var io = new TlsSocketIO(new AsyncSocketIO(socket));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.HandshakeTimeout != Timeout.InfiniteTimeSpan)
        {
            deadline.CancelAfter(options.HandshakeTimeout);
        }

        try
        {
            await io.AuthenticateAsClientAsync(client, deadline.Token).ConfigureAwait(false);
            return io;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            io.Abort();
            throw new TlsHandshakeException(endpoint, $"TLS handshake with {endpoint} did not finish within {options.HandshakeTimeout.TotalSeconds:0.###} s", null);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException)
        {
            io.Abort();
            var reason = check.Failure ?? TlsFailureText.Describe(e);
            throw new TlsHandshakeException(endpoint, $"TLS handshake with {endpoint} failed: {reason}", e);
        }
    }

    /// <summary>Whether the endpoint's host is an IP literal (sent as no SNI, checked against IP entries).</summary>
    public static bool IsAddress(string? host) => host is not null && IPAddress.TryParse(host, out _);
}
