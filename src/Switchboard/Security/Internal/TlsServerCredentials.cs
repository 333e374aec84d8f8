using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Security.Internal;

/// <summary>
/// The server side's TLS settings as the handshake takes them, built from <see cref="TlsServerOptions"/> at start
/// and again on reload. Each new connection takes <see cref="Current"/>; a live one keeps what it was given.
/// </summary>
internal sealed class TlsServerCredentials
{
    private readonly TlsServerOptions _options;
    private volatile Built _current;

    public TlsServerCredentials(TlsServerOptions options)
    {
        _options = options;
        _current = Build(options);
    }

    public SslServerAuthenticationOptions Current => _current.Options;

    public X509Certificate2 Certificate => _current.Certificate;

    public TimeSpan HandshakeTimeout => _options.HandshakeTimeout;

    /// <summary>Reads the certificate (and the client CAs) again; on failure throws and the old ones stay.</summary>
    public X509Certificate2 Reload()
    {
        var built = Build(_options);
        _current = built;
        return built.Certificate;
    }

    private static Built Build(TlsServerOptions options)
    {
        X509Certificate2 certificate;
        X509Certificate2Collection chain = [];
        if (options.Certificate is { } given)
        {
            certificate = given;
        }
        else
        {
            certificate = TlsCertificates.Load(options.CertificatePath!, options.KeyPath, options.Password, out chain);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new TlsCertificateException($"the TLS certificate {certificate.Subject} has no private key");
        }

        var server = new SslServerAuthenticationOptions
        {
            // offline: the chain is built from what we were given, with no fetch of missing intermediates at start.
            ServerCertificateContext = SslStreamCertificateContext.Create(certificate, chain, offline: true),
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            AllowRenegotiation = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        if (options.ApplicationProtocols.Count > 0)
        {
            server.ApplicationProtocols = [.. options.ApplicationProtocols.Select(p => new SslApplicationProtocol(p))];
        }

        if (options.ClientCertificateAuthorityPath is { } caPath)
        {
            var authorities = TlsCertificates.LoadAuthorities(caPath);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(authorities);
            policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // clientAuth
            server.ClientCertificateRequired = true;
            server.CertificateChainPolicy = policy;

            // Without a callback SslStream already refuses a missing or unverifiable certificate; the callback only
            // keeps a certificate the policy accepted, so the one rule is written once.
            server.RemoteCertificateValidationCallback = static (_, certificate, _, errors) => certificate is not null && errors == SslPolicyErrors.None;
        }

        return new Built(server, certificate);
    }

    private sealed record Built(SslServerAuthenticationOptions Options, X509Certificate2 Certificate);
}
