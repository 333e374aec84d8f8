using System.Security.Cryptography.X509Certificates;
using Switchboard.Options;

namespace Switchboard.Security;

/// <summary>
/// TLS for a server's <c>tls://</c> listeners (<c>ServerOptions.Tls</c>): the certificate, client
/// certificates (mutual TLS), ALPN and the handshake deadline. TLS 1.2 and 1.3 only; the runtime's
/// <see cref="System.Net.Security.SslStream"/> (OpenSSL on Linux) does the protocol.
/// </summary>
public sealed class TlsServerOptions
{
    /// <summary>
    /// The certificate file: PEM (the certificate first, then any intermediates; the key too when
    /// <see cref="KeyPath"/> is null) or PKCS#12 (<c>.p12</c>/<c>.pfx</c>, told apart by content). Read at start and
    /// again by <c>Server.ReloadTlsCertificate</c>. Ignored when <see cref="Certificate"/> is set.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PEM private key for <see cref="CertificatePath"/>; null when the key is in that file (or it is PKCS#12).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The password of a PKCS#12 file or of an encrypted PEM key; null when there is none.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// A certificate with its private key, in memory (for example <see cref="TlsCertificates.CreateSelfSigned"/>);
    /// wins over <see cref="CertificatePath"/>. A reload uses the value set here at the time.
    /// </summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// A PEM file of the certificate authorities that client certificates must chain to. When set, every client
    /// must present a certificate that verifies against them (mutual TLS), or its handshake fails. Null (default):
    /// no client certificate is asked for.
    /// </summary>
    public string? ClientCertificateAuthorityPath { get; set; }

    /// <summary>The ALPN protocols offered, in order of preference (e.g. <c>h2</c>, <c>http/1.1</c>). Empty (default): no ALPN.</summary>
    public IList<string> ApplicationProtocols { get; } = [];

    /// <summary>
    /// How long a handshake may take from accept. Defaults to 10 seconds (nginx's <c>ssl_handshake_timeout</c>
    /// default is 60 s; a loopback or LAN handshake takes milliseconds). A handshake counts against
    /// <c>ServerOptions.MaxConnections</c> while it runs, so this bounds what a client that connects
    /// and says nothing (or speaks plain text) can hold: one slot for this long.
    /// </summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> when no certificate is configured or a value is out of range.</summary>
    public void Validate()
    {
        if (Certificate is null && string.IsNullOrEmpty(CertificatePath))
        {
            throw new ArgumentException("a tls:// endpoint needs a certificate (a certificate file, or a self-signed one)");
        }

        if (HandshakeTimeout == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new OptionOutOfRangeException(HandshakeTimeoutName, HandshakeTimeout, "must be more than 0");
        }

        OptionOutOfRangeException.ThrowIfOutOfRange(HandshakeTimeout, TimeSpan.Zero, OptionLimits.LongestDuration, HandshakeTimeoutName);
    }

    /// <summary>How errors name <see cref="HandshakeTimeout"/>: as a property of <c>ServerOptions.Tls</c>, its configuration key.</summary>
    private const string HandshakeTimeoutName = "Tls." + nameof(HandshakeTimeout);
}
