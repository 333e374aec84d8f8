namespace Switchboard.Cli.Bench;

/// <summary>A benchmark's result: one plain <c>key=value</c> line for scripts, or JSON.</summary>
internal interface IBenchSummary
{
    /// <summary>True when the run saw errors (a wrong byte, a failed or dropped connection): exit code 1.</summary>
    bool Failed { get; }

    /// <summary>One line, <c>name: key=value …</c>, in the style of the C yardsticks' output.</summary>
    string ToLine();

    /// <summary>The same figures as one JSON object.</summary>
    string ToJson();
}
