using System.Text.Json;

namespace Switchboard.Cli.Bench;

/// <summary>How summaries are written as JSON: camelCase names, one line.</summary>
internal static class BenchJson
{
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
