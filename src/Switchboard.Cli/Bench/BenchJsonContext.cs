using System.Text.Json.Serialization;

namespace Switchboard.Cli.Bench;

/// <summary>
/// Source-generated JSON for <c>bench --json</c>: camelCase names, one line, no reflection, so the tool stays
/// trim- and AOT-safe (as <c>resolve --json</c>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(EchoSummary))]
[JsonSerializable(typeof(ChatSummary))]
[JsonSerializable(typeof(ConnectionsSummary))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
