namespace Switchboard.Cli.Parsing;

/// <summary>A bad argument: printed as one line on stderr, exit code 2 (as ncat does for usage errors).</summary>
internal sealed class UsageException(string message) : Exception(message);
