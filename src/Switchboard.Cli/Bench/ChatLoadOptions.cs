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
    bool Nick)
{
    /// <summary>More servers of the same cluster; member i joins target i mod (1 + Others.Count), the first being <see cref="Target"/>.</summary>
    public IReadOnlyList<BenchTarget> Others { get; init; } = [];

    /// <summary>Where member <paramref name="index"/> joins.</summary>
    public BenchTarget TargetOf(int index) => index % (1 + Others.Count) is var slot && slot == 0 ? Target : Others[slot - 1];

    /// <summary>The targets as the title and summary name them.</summary>
    public string Targets => string.Join(' ', new[] { Target }.Concat(Others).Select(t => t.Uri.ToString()));
}
