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

    /// <summary>The TLS settings, or null when no endpoint is tls:// (then no TLS flag may be given).</summary>
    public TlsServerOptions? Read(ParseResult parse, IReadOnlyCollection<EndpointUri> endpoints)
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

            return null;
        }

        if (certificate is not null == selfSigned)
        {
            throw new UsageException("a tls:// endpoint needs a certificate: --tls-cert FILE [--tls-key FILE], or --tls-self-signed (not both)");
        }

        if (parse.GetValue(Key) is not null && certificate is null)
        {
            throw new UsageException("--tls-key goes with --tls-cert");
        }

        var options = new TlsServerOptions
        {
            CertificatePath = certificate,
            KeyPath = parse.GetValue(Key),
            Password = parse.GetValue(Password),
            ClientCertificateAuthorityPath = parse.GetValue(ClientCa),
            HandshakeTimeout = OptionValues.Duration(parse.GetValue(HandshakeTimeout)!, "--tls-handshake-timeout"),
        };
        foreach (var protocol in (parse.GetValue(Alpn) ?? []).SelectMany(a => a.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            options.ApplicationProtocols.Add(protocol);
        }

        if (selfSigned)
        {
            options.Certificate = TlsCertificates.CreateSelfSigned();
            Console.Error.WriteLine($"switchboard: self-signed TLS certificate for localhost, 127.0.0.1, ::1; SHA-256 fingerprint {TlsCertificates.Sha256Fingerprint(options.Certificate)}");
        }

        return options;
    }
}
