namespace Switchboard.Tests.Support;

/// <summary>Every test carries a timeout; these are the common ones, generous for a loaded 2-core machine.</summary>
public static class TestTimeouts
{
    /// <summary>For one exchange with an in-process server.</summary>
    public const int Exchange = 30_000;

    /// <summary>For tests that start the CLI as a process, or move many connections.</summary>
    public const int Process = 120_000;

    /// <summary>How long a single read or wait inside a test may take before the test fails.</summary>
    public static readonly TimeSpan Io = TimeSpan.FromSeconds(10);
}
