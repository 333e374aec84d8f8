namespace Switchboard.Cli.Bench;

/// <summary>What <c>switchboard bench chat</c> runs: see <see cref="ChatLoad"/>.</summary>
/// <param name="Rate">Lines per second per sender; 0 = as fast as <paramref name="Window"/> allows.</param>
/// <param name="Window">Lines a sender may have in flight, counted until member 0 has seen them.</param>
/// <param name="Nick">Each member first sends a nick line <c>m&lt;i&gt;</c>, for servers that ask for one.</param>
internal sealed record ChatLoadOptions(
    BenchTarget Target,
    int Members,
    int Senders,
    int Rate,
    int Window,
    TimeSpan Duration,
    TimeSpan Warmup,
    bool Nick);
