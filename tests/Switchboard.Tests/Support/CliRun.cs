using System.Text;

namespace Switchboard.Tests.Support;

/// <summary>How a run of the tool ended: exit code, stdout as bytes, stderr as text, and how long it took.</summary>
public sealed record CliRun(int ExitCode, byte[] Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>Stdout decoded as UTF-8.</summary>
    public string Text => Encoding.UTF8.GetString(Stdout);

    /// <summary>Stderr's lines, without the empty last one.</summary>
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
