namespace Switchboard.Cli.Bench;

/// <summary>The target could not be reached: one line on stderr, exit code 1 (a network error).</summary>
internal sealed class BenchConnectException(string message) : Exception(message);
