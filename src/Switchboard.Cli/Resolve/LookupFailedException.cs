namespace Switchboard.Cli.Resolve;

/// <summary>A name, address or service did not resolve: one line on stderr, exit 1.</summary>
internal sealed class LookupFailedException(string message) : Exception(message);
