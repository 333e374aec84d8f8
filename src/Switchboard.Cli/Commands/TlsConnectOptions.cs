using System.CommandLine;
using Switchboard.Cli.Parsing;
using Switchboard.Security;

namespace Switchboard.Cli.Commands;

/// <summary>The client flags for tls:// targets (connect, bench, listen --reverse), into <see cref="TlsClientOptions"/>.</summary>
internal sealed class TlsConnectOptions
{
    public Option<string?> Ca { get; } = new("--tls-ca")
    {
        Description = "tls://: also trust the CAs (or self-signed certificates) in this PEM file [default: the system store only]",
    };

    public Option<string?> ServerName { get; } = new("--tls-server-name")
    {
        Description = "tls://: the name sent as SNI and checked against the certificate [default: the target's host]",
    };

    public Option<bool> Insecure { get; } = new("--tls-insecure")
    {
        Description = "tls://: do not verify the server's certificate (trust, name, dates): anyone on the path can read and change the traffic [default: false]",
    };

    public Option<string?> Certificate { get; } = new("--tls-cert")
    {
        Description = "tls://: a client certificate to present (PEM or PKCS#12), for servers that require one [default: none]",
    };

    public Option<string?> Key { get; } = new("--tls-key")
    {
        Description = "tls://: the PEM private key of --tls-cert [default: in the --tls-cert file]",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Ca, ServerName, Insecure, Certificate, Key })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The TLS settings for a client; --tls-insecure says what it costs on stderr.</summary>
    public TlsClientOptions Read(ParseResult parse)
    {
        if (parse.GetValue(Key) is not null && parse.GetValue(Certificate) is null)
        {
            throw new UsageException("--tls-key goes with --tls-cert");
        }

        var options = new TlsClientOptions
        {
            CertificateAuthorityPath = parse.GetValue(Ca),
            ServerName = parse.GetValue(ServerName),
            SkipVerification = parse.GetValue(Insecure),
        };
        if (parse.GetValue(Certificate) is { } certificate)
        {
            options.ClientCertificate = TlsCertificates.Load(certificate, parse.GetValue(Key), null, out _);
        }

        if (options.SkipVerification)
        {
            Console.Error.WriteLine("switchboard: --tls-insecure: the server's certificate is NOT verified; anyone on the path can read and change this connection");
        }

        return options;
    }
}
