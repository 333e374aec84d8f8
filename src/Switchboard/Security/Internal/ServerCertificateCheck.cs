using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Switchboard.Security.Internal;

/// <summary>
/// A client's verification of one server certificate: the system's verdict, a second chance against the extra
/// trust anchors (<see cref="TlsClientOptions.CertificateAuthorityPath"/>), and, when it fails, the reason in words.
/// </summary>
internal sealed class ServerCertificateCheck(X509Certificate2Collection? extraAuthorities, string serverName)
{
    /// <summary>Why the certificate was refused; null while none was.</summary>
    public string? Failure { get; private set; }

    public bool Verify(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            Failure = "the server sent no certificate";
            return false;
        }

        var certificate = presented as X509Certificate2 ?? new X509Certificate2(presented);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var chainFailure = CheckChain(certificate, chain);
            if (chainFailure is not null)
            {
                Failure = chainFailure;
                return false;
            }
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            var names = certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false);
            Failure = $"certificate name mismatch: the certificate ({certificate.Subject}{(string.IsNullOrEmpty(names) ? "" : $", {names}")}) is not for '{serverName}'";
            return false;
        }

        return true;
    }

    /// <summary>Null when the chain verifies against the extra anchors; else the reason the system (or they) gave.</summary>
    private string? CheckChain(X509Certificate2 certificate, X509Chain? systemChain)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (extraAuthorities is { Count: > 0 })
        {
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(extraAuthorities);
            if (systemChain is not null)
            {
                foreach (var element in systemChain.ChainElements)
                {
                    custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (custom.Build(certificate))
            {
                return null;
            }
        }
        else if (systemChain is null)
        {
            custom.Build(certificate);
        }

        var statuses = (extraAuthorities is { Count: > 0 } || systemChain is null ? custom : systemChain).ChainStatus.Select(s => s.Status).ToList();
        if (statuses.Contains(X509ChainStatusFlags.NotTimeValid))
        {
            var now = DateTime.Now;
            return now > certificate.NotAfter
                ? $"certificate expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC"
                : $"certificate not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
        }

        if (statuses.Any(s => s is X509ChainStatusFlags.UntrustedRoot or X509ChainStatusFlags.PartialChain))
        {
            return certificate.Subject == certificate.Issuer
                ? $"certificate not trusted: {certificate.Subject} is self-signed"
                : $"certificate not trusted: its issuer {certificate.Issuer} is not a trusted authority";
        }

        var first = (extraAuthorities is { Count: > 0 } || systemChain is null ? custom : systemChain).ChainStatus.FirstOrDefault();
        return $"certificate not trusted: {first.StatusInformation.ReplaceLineEndings(" ").Trim()}";
    }
}
