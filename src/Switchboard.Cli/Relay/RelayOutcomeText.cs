namespace Switchboard.Cli.Relay;

/// <summary>Why a relay ended, as <c>-v</c> says it to a person: "peer closed", not the enum's <c>PeerClosed</c>.</summary>
internal static class RelayOutcomeText
{
    public static string Describe(this RelayOutcome outcome) => outcome switch
    {
        RelayOutcome.PeerClosed => "peer closed",
        RelayOutcome.SendOnlyDone => "stdin sent (--send-only)",
        RelayOutcome.QuitAfterStdinEof => "quit after stdin end of file",
        RelayOutcome.Stopped => "stopped by a signal",
        RelayOutcome.Idle => "idle timeout",
        _ => Words(outcome.ToString()),
    };

    /// <summary>An outcome added later still reads as words: <c>SomeNewEnd</c> becomes "some new end".</summary>
    private static string Words(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
