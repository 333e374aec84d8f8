using System.Globalization;
using System.Text.Json;

namespace Switchboard.Cli.Bench;

/// <summary>
/// The result of <c>switchboard bench connections</c>. <see cref="Accepted"/> counts connections that were opened
/// and still open at the end of the hold: a server that accepts and then closes (a connection limit) does not
/// count them.
/// </summary>
internal sealed record ConnectionsSummary(
    string Target,
    int Count,
    int Opened,
    int Refused,
    int ClosedByServer,
    int Accepted,
    double OpenSeconds,
    double OpensPerSecond,
    double HoldSeconds,
    string? FirstError) : IBenchSummary
{
    public bool Failed => Accepted < Count && HoldSeconds > 0;

    public string ToLine() => string.Create(
        CultureInfo.InvariantCulture,
        $"connections-bench: target={Target} count={Count} opened={Opened} refused={Refused} closed_by_server={ClosedByServer} "
        + $"accepted={Accepted} open_seconds={OpenSeconds:F2} opens_per_s={OpensPerSecond:F0} hold_seconds={HoldSeconds:F1}");

    public string ToJson() => JsonSerializer.Serialize(this, BenchJsonContext.Default.ConnectionsSummary);
}
