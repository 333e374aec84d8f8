using System.Runtime.InteropServices;
using Switchboard.Cli.Hosting;

namespace Switchboard.Tests.Cli.Hosting;

public sealed class SecondSignalTests
{
    [Theory]
    [InlineData(PosixSignal.SIGTERM, 0, false)]    // timeout(1)'s second copy, to the process group
    [InlineData(PosixSignal.SIGTERM, 500, false)]
    [InlineData(PosixSignal.SIGTERM, 1000, true)]  // well after the first: the user means it
    [InlineData(PosixSignal.SIGINT, 0, false)]     // timeout -s INT: a copy, not a person
    [InlineData(PosixSignal.SIGINT, 300, true)]    // Ctrl-C pressed again
    public void OnlyASecondCtrlCOrALateSignalForcesTheExit(PosixSignal signal, int millisecondsAfterFirst, bool forces) =>
        Assert.Equal(forces, SecondSignal.ForcesExit(signal, TimeSpan.FromMilliseconds(millisecondsAfterFirst)));
}
