namespace Switchboard.Cli.Bench;

/// <summary>What <c>switchboard bench connections</c> runs: see <see cref="ConnectionsLoad"/>.</summary>
/// <param name="Hold">How long to hold the connections once they are open.</param>
/// <param name="Concurrency">Connects in progress at once.</param>
internal sealed record ConnectionsLoadOptions(BenchTarget Target, int Count, TimeSpan Hold, int Concurrency);
