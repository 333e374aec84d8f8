using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Switchboard.Cli.Bench;

/// <summary>
/// The result of <c>switchboard bench echo</c>; figures cover the measured span, after the warmup. A stream run
/// counts its <c>Connections</c>; a datagram run (<c>udp://</c>, <c>unixgram://</c>) its <c>Sockets</c>, and adds
/// <c>Lost</c> (datagrams unanswered within the loss timeout, replaced) and <c>Late</c> (replies that came after).
/// Loss is reported, not failed on (UDP may drop); a corrupt reply is an error. What a run does not have is null and
/// left out of the JSON, so each kind keeps the fields it always had.
/// </summary>
internal sealed record EchoSummary(
    string Target,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Connections,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Sockets,
    int Size,
    int InFlight,
    double Seconds,
    long Messages,
    double MessagesPerSecond,
    double MiBPerSecond,
    LatencyPercentiles Latency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Lost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Late,
    int Errors,
    string? FirstError) : IBenchSummary
{
    public bool Failed => Errors > 0;

    public string ToLine()
    {
        var figures = string.Create(
            CultureInfo.InvariantCulture,
            $"size={Size} inflight={InFlight} seconds={Seconds:F1} msgs={Messages} msgs_per_s={MessagesPerSecond:F0} MiB_per_s={MiBPerSecond:F2} "
            + $"p50_us={Latency.P50Us} p90_us={Latency.P90Us} p99_us={Latency.P99Us} p999_us={Latency.P999Us} max_us={Latency.MaxUs}");
        return Sockets is { } sockets
            ? string.Create(CultureInfo.InvariantCulture, $"udp-bench: target={Target} socks={sockets} {figures} lost={Lost} late={Late} errors={Errors}")
            : string.Create(CultureInfo.InvariantCulture, $"echo-bench: target={Target} conns={Connections} {figures} errors={Errors}");
    }

    public string ToJson() => JsonSerializer.Serialize(this, BenchJsonContext.Default.EchoSummary);
}
