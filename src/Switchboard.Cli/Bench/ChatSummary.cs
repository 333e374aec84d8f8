using System.Globalization;
using System.Text.Json;

namespace Switchboard.Cli.Bench;

/// <summary>The result of <c>switchboard bench chat</c>; figures cover the measured span, after the warmup.</summary>
internal sealed record ChatSummary(
    string Target,
    int Members,
    int Senders,
    int Joined,
    double JoinSeconds,
    double Seconds,
    long Sent,
    long Deliveries,
    double DeliveriesPerSecond,
    LatencyPercentiles Latency,
    int Dropped) : IBenchSummary
{
    public bool Failed => Dropped > 0;

    public string ToLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"chat-bench: target={Target} members={Members} senders={Senders} joined={Joined} join_seconds={JoinSeconds:F1} seconds={Seconds:F1} sent={Sent} "
        + $"deliveries={Deliveries} deliveries_per_s={DeliveriesPerSecond:F0} p50_us={Latency.P50Us} p90_us={Latency.P90Us} "
        + $"p99_us={Latency.P99Us} p999_us={Latency.P999Us} max_us={Latency.MaxUs} dropped={Dropped}");

    public string ToJson() => JsonSerializer.Serialize(this, BenchJsonContext.Default.ChatSummary);
}
