namespace Switchboard.Cli.Bench;

/// <summary>What <c>switchboard bench echo</c> runs: see <see cref="EchoLoad"/>.</summary>
internal sealed record EchoLoadOptions(
    BenchTarget Target,
    int Connections,
    int Size,
    int InFlight,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Threads);
