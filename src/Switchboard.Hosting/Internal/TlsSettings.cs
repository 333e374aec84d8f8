using Microsoft.Extensions.Configuration;
using Switchboard.Endpoints;
using Switchboard.Security;
using Switchboard.Serving;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// The start-time check of a server's TLS settings, each failure one <see cref="SwitchboardConfigurationException"/>
/// naming its key under <c>Tls</c>: a tls:// listener without settings, settings without a tls:// listener, a
/// certificate file and a self-signed one at once, a key without its certificate, a file that is missing or does not
/// load (a wrong password). The files are loaded here once and let go, so that the server's own load at start finds
/// them as checked, and a typo is not reported as a failed bind.
/// </summary>
internal static class TlsSettings
{
    public static void Check(IConfiguration section, ServerOptions server)
    {
        var anyTls = server.Listen.Any(e => e.Kind == TransportKind.Tls);
        var configured = section.GetSection(ServerOptionsBinder.TlsSection).GetChildren().Any();
        if (server.Tls is not { } tls)
        {
            if (anyTls)
            {
                throw new SwitchboardConfigurationException(Key(section, null), $"is missing: a tls:// listener needs {Key(section, nameof(TlsServerOptions.CertificatePath))} (a PEM or PKCS#12 file) or {Key(section, ServerOptionsBinder.SelfSignedKey)}: true");
            }

            return;
        }

        if (!anyTls)
        {
            if (configured)
            {
                // Only what the section set: settings from code without a tls:// listener are the code's business.
                throw new SwitchboardConfigurationException(Key(section, null), "is set, but no Listen endpoint is tls://: add one, e.g. tls://127.0.0.1:7443, or remove the section");
            }

            return;
        }

        var hasPath = !string.IsNullOrEmpty(tls.CertificatePath);
        if (tls.Certificate is not null && hasPath)
        {
            throw new SwitchboardConfigurationException(Key(section, ServerOptionsBinder.SelfSignedKey), $"and {Key(section, nameof(TlsServerOptions.CertificatePath))} are both set: give one");
        }

        if (!string.IsNullOrEmpty(tls.KeyPath) && !hasPath)
        {
            throw new SwitchboardConfigurationException(Key(section, nameof(TlsServerOptions.KeyPath)), $"goes with {Key(section, nameof(TlsServerOptions.CertificatePath))}, which is not set");
        }

        if (tls.Certificate is null && !hasPath)
        {
            throw new SwitchboardConfigurationException(Key(section, nameof(TlsServerOptions.CertificatePath)), $"is missing: a tls:// listener needs a certificate file, or {Key(section, ServerOptionsBinder.SelfSignedKey)}: true");
        }

        CheckFile(section, nameof(TlsServerOptions.CertificatePath), tls.CertificatePath);
        CheckFile(section, nameof(TlsServerOptions.KeyPath), tls.KeyPath);
        CheckFile(section, nameof(TlsServerOptions.ClientCertificateAuthorityPath), tls.ClientCertificateAuthorityPath);
        if (tls.Certificate is null)
        {
            Load(section, nameof(TlsServerOptions.CertificatePath), () =>
            {
                using var certificate = TlsCertificates.Load(tls.CertificatePath!, tls.KeyPath, tls.Password, out var chain);
                foreach (var link in chain)
                {
                    link.Dispose();
                }
            });
        }

        if (tls.ClientCertificateAuthorityPath is { Length: > 0 } authorities)
        {
            Load(section, nameof(TlsServerOptions.ClientCertificateAuthorityPath), () =>
            {
                foreach (var authority in TlsCertificates.LoadAuthorities(authorities))
                {
                    authority.Dispose();
                }
            });
        }
    }

    private static void CheckFile(IConfiguration section, string key, string? path)
    {
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            throw new SwitchboardConfigurationException(Key(section, key), $"'{path}': no such file (relative paths are from {Environment.CurrentDirectory})");
        }
    }

    private static void Load(IConfiguration section, string key, Action load)
    {
        try
        {
            load();
        }
        catch (TlsCertificateException e)
        {
            throw new SwitchboardConfigurationException(Key(section, key), e.Message, e);
        }
    }

    private static string Key(IConfiguration section, string? key) =>
        ServerOptionsBinder.KeyOf(section, key is null ? ServerOptionsBinder.TlsSection : ServerOptionsBinder.TlsSection + "." + key);
}
