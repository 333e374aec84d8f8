using System.Globalization;
using System.Text.Json;

namespace Switchboard.Cli.Bench;

/// <summary>The result of <c>switchboard bench echo</c>; figures cover the measured span, after the warmup.</summary>
internal sealed record EchoSummary(
    string Target,
    int Connections,
    int Size,
    int InFlight,
    double Seconds,
    long Messages,
    double MessagesPerSecond,
    double MiBPerSecond,
    LatencyPercentiles Latency,
    int Errors,
    string? FirstError) : IBenchSummary
{
    public bool Failed => Errors > 0;

    public string ToLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"echo-bench: target={Target} conns={Connections} size={Size} inflight={InFlight} seconds={Seconds:F1} msgs={Messages} "
        + $"msgs_per_s={MessagesPerSecond:F0} MiB_per_s={MiBPerSecond:F2} p50_us={Latency.P50Us} p90_us={Latency.P90Us} "
        + $"p99_us={Latency.P99Us} p999_us={Latency.P999Us} max_us={Latency.MaxUs} errors={Errors}");

    public string ToJson() => JsonSerializer.Serialize(this, BenchJsonContext.Default.EchoSummary);
}
