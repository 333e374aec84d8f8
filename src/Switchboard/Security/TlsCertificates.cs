using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Switchboard.Security;

/// <summary>Loads certificates from PEM and PKCS#12 files, makes throw-away self-signed ones, and prints fingerprints.</summary>
public static class TlsCertificates
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>
    /// Loads a certificate with its private key: PEM (<paramref name="keyPath"/> names the key file, or null when the
    /// key is in <paramref name="certificatePath"/>) or PKCS#12 (told apart by content, not by name). The
    /// certificates after the first in a PEM file are the chain, returned in <paramref name="chain"/>.
    /// </summary>
    /// <exception cref="TlsCertificateException">A file is missing or unreadable, or holds no usable certificate and key.</exception>
    public static X509Certificate2 Load(string certificatePath, string? keyPath, string? password, out X509Certificate2Collection chain)
    {
        ArgumentNullException.ThrowIfNull(certificatePath);
        chain = [];
        try
        {
            if (!IsPem(certificatePath))
            {
                var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(certificatePath, password);
                var leaf = all.FirstOrDefault(c => c.HasPrivateKey)
                    ?? throw new TlsCertificateException($"{certificatePath}: the PKCS#12 file holds no private key");
                foreach (var other in all)
                {
                    if (!ReferenceEquals(other, leaf))
                    {
                        chain.Add(other);
                    }
                }

                return leaf;
            }

            var certificate = password is null
                ? X509Certificate2.CreateFromPemFile(certificatePath, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(certificatePath, password, keyPath);
            var inFile = new X509Certificate2Collection();
            inFile.ImportFromPemFile(certificatePath);
            foreach (var other in inFile.Skip(1))
            {
                chain.Add(other);
            }

            return certificate;
        }
        catch (TlsCertificateException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            var files = keyPath is null ? certificatePath : $"{certificatePath} and {keyPath}";
            throw new TlsCertificateException($"cannot load the TLS certificate from {files}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>Loads the certificates of a PEM file of certificate authorities (trust anchors).</summary>
    /// <exception cref="TlsCertificateException">The file is missing, unreadable or holds no certificate.</exception>
    public static X509Certificate2Collection LoadAuthorities(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new TlsCertificateException($"cannot load certificate authorities from {path}: {OneLine(e.Message)}", e);
        }

        return authorities.Count > 0 ? authorities : throw new TlsCertificateException($"{path}: no PEM certificate in the file");
    }

    /// <summary>
    /// Makes an ephemeral self-signed certificate for <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>: ECDSA P-256
    /// signed with SHA-256 (never SHA-1, which OpenSSL 3's default policy refuses), valid from a day ago for 30 days,
    /// for server and client authentication. Nothing is written to disk.
    /// </summary>
    public static X509Certificate2 CreateSelfSigned(string commonName = "localhost")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], critical: false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    /// <summary>The certificate's SHA-256 fingerprint as OpenSSL prints it: <c>AB:CD:…</c> (32 pairs).</summary>
    public static string Sha256Fingerprint(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var hash = certificate.GetCertHash(HashAlgorithmName.SHA256);
        var text = new StringBuilder(hash.Length * 3);
        foreach (var b in hash)
        {
            if (text.Length > 0)
            {
                text.Append(':');
            }

            text.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static bool IsPem(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> start = stackalloc byte[512];
        var read = file.Read(start);
        return Encoding.ASCII.GetString(start[..read]).Contains("-----BEGIN", StringComparison.Ordinal);
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
