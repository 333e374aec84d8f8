using System.Globalization;
using System.Text.Json;

namespace Switchboard.Cli.Bench;

/// <summary>
/// The result of <c>switchboard bench echo udp://</c> (and <c>unixgram://</c>); figures cover the measured span.
/// <c>Lost</c>: datagrams unanswered within the loss timeout (replaced); <c>Late</c>: replies that came after.
/// Loss is reported, not failed on (UDP may drop); a corrupt reply is an error.
/// </summary>
internal sealed record DatagramEchoSummary(
    string Target,
    int Sockets,
    int Size,
    int InFlight,
    double Seconds,
    long Messages,
    double MessagesPerSecond,
    double MiBPerSecond,
    LatencyPercentiles Latency,
    long Lost,
    long Late,
    int Errors,
    string? FirstError) : IBenchSummary
{
    public bool Failed => Errors > 0;

    public string ToLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"udp-bench: target={Target} socks={Sockets} size={Size} inflight={InFlight} seconds={Seconds:F1} msgs={Messages} "
        + $"msgs_per_s={MessagesPerSecond:F0} MiB_per_s={MiBPerSecond:F2} p50_us={Latency.P50Us} p90_us={Latency.P90Us} "
        + $"p99_us={Latency.P99Us} p999_us={Latency.P999Us} max_us={Latency.MaxUs} lost={Lost} late={Late} errors={Errors}");

    public string ToJson() => JsonSerializer.Serialize(this, BenchJsonContext.Default.DatagramEchoSummary);
}
