namespace Switchboard.Cli.Resolve;

/// <summary>What <c>switchboard resolve</c> found, printed as text or (<c>--json</c>) as one JSON object.</summary>
internal sealed record ResolveResult
{
    /// <summary>What was asked: a name, an address, a service, or the host itself.</summary>
    public required string Query { get; init; }

    /// <summary><c>forward</c> (name to addresses), <c>reverse</c> (address to name), <c>service</c>, or <c>host</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Forward: the canonical name (AI_CANONNAME). Reverse: the address's name (gethostbyaddr).</summary>
    public string? CanonicalName { get; init; }

    /// <summary>Other names the resolver reported.</summary>
    public IReadOnlyList<string>? Aliases { get; init; }

    /// <summary>Every address, with its family, and with a service its socket type, protocol and port.</summary>
    public IReadOnlyList<AddressRecord>? Addresses { get; init; }

    /// <summary>Service lookups: the matching lines of /etc/services.</summary>
    public IReadOnlyList<ServiceRecord>? Services { get; init; }

    /// <summary>Host lookups: this machine's name (gethostname).</summary>
    public string? HostName { get; init; }

    /// <summary>Host lookups: this machine's fully qualified name, as the resolver gives it.</summary>
    public string? Fqdn { get; init; }
}
