using System.CommandLine;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Security;

namespace Switchboard.Cli.Commands;

/// <summary>The <c>serve</c> flags for tls:// listeners, and how they land in <see cref="TlsServerOptions"/>.</summary>
internal sealed class TlsServeOptions
{
    public Option<string?> Certificate { get; } = new("--tls-cert")
    {
        Description = "tls://: the certificate file, PEM (leaf first, then its chain) or PKCS#12 (.p12); reread on SIGHUP [default: none]",
    };

    public Option<string?> Key { get; } = new("--tls-key")
    {
        Description = "tls://: the PEM private key of --tls-cert [default: in the --tls-cert file]",
    };

    public Option<string?> Password { get; } = new("--tls-password")
    {
        Description = "tls://: the password of a PKCS#12 --tls-cert or an encrypted --tls-key [default: none]",
    };

    public Option<bool> SelfSigned { get; } = new("--tls-self-signed")
    {
        Description = "tls://: an ephemeral ECDSA P-256/SHA-256 certificate for localhost, 127.0.0.1 and ::1; its SHA-256 fingerprint goes to stderr [default: false]",
    };

    public Option<string?> ClientCa { get; } = new("--tls-client-ca")
    {
        Description = "tls://: require client certificates that verify against the CAs in this PEM file (mutual TLS) [default: none asked]",
    };

    public Option<string[]> Alpn { get; } = new("--alpn")
    {
        Description = "tls://: ALPN protocols to offer, in order of preference, repeatable or comma-separated, e.g. h2,http/1.1 [default: none]",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string> HandshakeTimeout { get; } = new("--tls-handshake-timeout")
    {
        Description = "tls://: a handshake not done this long after accept is dropped (it holds a --max-connections slot meanwhile)",
        DefaultValueFactory = _ => "10s",
    };

    public IEnumerable<Option> All => [Certificate, Key, Password, SelfSigned, ClientCa, Alpn, HandshakeTimeout];

    /// <summary>
    /// The TLS settings: <paramref name="configured"/> (the <c>Tls:…</c> keys of --config and the environment) with the
    /// flags given over it; the certificate is one choice, so --tls-cert or --tls-self-signed replaces the
    /// configuration's certificate (and key) whole. Null when no endpoint is tls:// and nothing is configured (a TLS
    /// flag without a tls:// endpoint is an error; configured settings without one are the binder's to refuse).
    /// </summary>
    public TlsServerOptions? Read(ParseResult parse, IReadOnlyCollection<EndpointUri> endpoints, TlsServerOptions? configured = null)
    {
        var certificate = parse.GetValue(Certificate);
        var selfSigned = parse.GetValue(SelfSigned);
        var anyTls = endpoints.Any(e => e.Kind == TransportKind.Tls);
        if (!anyTls)
        {
            if (certificate is not null || selfSigned || parse.GetValue(ClientCa) is not null)
            {
                throw new UsageException("TLS flags given, but no tls:// endpoint to listen on: add --listen tls://HOST:PORT");
            }

            return configured;
        }

        if (certificate is not null && selfSigned)
        {
            throw new UsageException("a tls:// endpoint needs one certificate: --tls-cert FILE [--tls-key FILE], or --tls-self-signed (not both)");
        }

        if (parse.GetValue(Key) is not null && certificate is null)
        {
            throw new UsageException("--tls-key goes with --tls-cert");
        }

        var options = configured ?? new TlsServerOptions();
        if (certificate is not null || selfSigned)
        {
            options.CertificatePath = certificate;
            options.KeyPath = parse.GetValue(Key);
            options.Certificate = null;
        }
        else if (options.Certificate is null && string.IsNullOrEmpty(options.CertificatePath))
        {
            throw new UsageException("a tls:// endpoint needs a certificate: --tls-cert FILE [--tls-key FILE], or --tls-self-signed (or Tls:CertificatePath, Tls:SelfSigned in --config)");
        }

        options.Password = parse.GetValue(Password) ?? options.Password;
        options.ClientCertificateAuthorityPath = parse.GetValue(ClientCa) ?? options.ClientCertificateAuthorityPath;
        if (parse.GetResult(HandshakeTimeout) is { Implicit: false } || configured is null)
        {
            options.HandshakeTimeout = OptionValues.Duration(parse.GetValue(HandshakeTimeout)!, "--tls-handshake-timeout");
        }

        var protocols = (parse.GetValue(Alpn) ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (protocols.Count > 0)
        {
            options.ApplicationProtocols.Clear();
            foreach (var protocol in protocols)
            {
                options.ApplicationProtocols.Add(protocol);
            }
        }

        if (selfSigned)
        {
            options.Certificate = TlsCertificates.CreateSelfSigned();
        }

        return options;
    }

    /// <summary>Says the fingerprint of a self-signed certificate (from the flag or <c>Tls:SelfSigned</c>) on stderr, once the settings are checked.</summary>
    public static void ReportSelfSigned(TlsServerOptions? options)
    {
        if (options is { Certificate: { } certificate, CertificatePath: null })
        {
            Console.Error.WriteLine($"switchboard: self-signed TLS certificate for localhost, 127.0.0.1, ::1; SHA-256 fingerprint {TlsCertificates.Sha256Fingerprint(certificate)}");
        }
    }
}
