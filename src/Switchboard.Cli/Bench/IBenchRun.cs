namespace Switchboard.Cli.Bench;

/// <summary>A benchmark in progress, as the live display sees it.</summary>
internal interface IBenchRun
{
    /// <summary>One line saying what is measured against what.</summary>
    string Title { get; }

    /// <summary>The figures so far, as label and value; read from another thread while the load runs.</summary>
    IReadOnlyList<KeyValuePair<string, string>> Progress();
}
