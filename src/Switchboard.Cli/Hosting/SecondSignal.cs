using System.Runtime.InteropServices;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// Whether a signal that comes while the tool is already stopping means "stop now". One stop is often delivered
/// twice: <c>timeout(1)</c> signals its child and then the child's process group, and a supervisor may do the same;
/// the copies arrive microseconds apart. A person pressing Ctrl-C again takes longer than a quarter second.
/// </summary>
internal static class SecondSignal
{
    /// <summary>A second Ctrl-C (SIGINT) at least this long after the first signal forces the exit.</summary>
    public static readonly TimeSpan SecondCtrlC = TimeSpan.FromMilliseconds(250);

    /// <summary>Any second signal (SIGTERM included) at least this long after the first forces the exit.</summary>
    public static readonly TimeSpan AnySignal = TimeSpan.FromSeconds(1);

    public static bool ForcesExit(PosixSignal signal, TimeSpan sinceFirst) =>
        sinceFirst >= AnySignal || (signal == PosixSignal.SIGINT && sinceFirst >= SecondCtrlC);
}
