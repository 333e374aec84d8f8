using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Security;

/// <summary>
/// TLS for a client's <c>tls://</c> connections (<c>ClientOptions.Tls</c>). The server's certificate
/// is verified by default, against the system's trust store and the endpoint's host name.
/// </summary>
public sealed class TlsClientOptions
{
    /// <summary>
    /// A PEM file of certificate authorities trusted in addition to the system's (a private CA, or a server's
    /// self-signed certificate itself). Null (default): the system store only.
    /// </summary>
    public string? CertificateAuthorityPath { get; set; }

    /// <summary>
    /// The name sent as SNI and checked against the server's certificate. Null (default): the endpoint's host (an IP
    /// address is checked against the certificate's IP entries, and sent as no SNI).
    /// </summary>
    public string? ServerName { get; set; }

    /// <summary>
    /// Accepts any server certificate: no trust, name or date check. Dangerous: anyone on the path can read and
    /// change the traffic. For tests against a throw-away certificate only. Defaults to false.
    /// </summary>
    public bool SkipVerification { get; set; }

    /// <summary>A client certificate with its private key to present (mutual TLS); null (default) presents none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>The ALPN protocols to offer, in order of preference. Empty (default): no ALPN.</summary>
    public IList<string> ApplicationProtocols { get; } = [];

    /// <summary>How long the handshake may take after the TCP connect. Defaults to 10 seconds, like the connect timeout.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
