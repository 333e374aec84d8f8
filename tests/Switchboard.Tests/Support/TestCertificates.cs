using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Tests.Support;

/// <summary>Certificates made for a test (never checked in): a CA, leaves it signs, PEM files in a temp directory.</summary>
public static class TestCertificates
{
    /// <summary>A self-signed certificate authority (ECDSA P-256, SHA-256).</summary>
    public static X509Certificate2 CreateAuthority(string name = "Switchboard Test CA")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-30), now.AddDays(30));
    }

    /// <summary>A leaf signed by <paramref name="authority"/> for <paramref name="dnsName"/>, 127.0.0.1 and ::1.</summary>
    public static X509Certificate2 CreateLeaf(X509Certificate2 authority, string dnsName = "localhost", bool client = false, bool expired = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(client ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var (from, to) = expired ? (now.AddDays(-10), now.AddDays(-1)) : (now.AddDays(-1), now.AddDays(10));
        using var signed = request.Create(authority, from, to, RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes <paramref name="certificate"/> and its key as PEM files; returns their paths.</summary>
    public static (string Cert, string Key) WritePem(X509Certificate2 certificate, TempDirectory dir, string name)
    {
        var cert = dir.File(name + ".crt");
        var key = dir.File(name + ".key");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    /// <summary>Writes only the certificate (a trust anchor file); returns its path.</summary>
    public static string WriteCertificate(X509Certificate2 certificate, TempDirectory dir, string name)
    {
        var path = dir.File(name + ".pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }
}
