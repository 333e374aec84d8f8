using System.Text.Json.Serialization;

namespace Switchboard.Cli.Resolve;

/// <summary>Source-generated JSON for <c>resolve --json</c>: no reflection, so the tool stays trim- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(ResolveResult))]
internal sealed partial class ResolveJsonContext : JsonSerializerContext;
