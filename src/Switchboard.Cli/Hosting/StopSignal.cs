using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// SIGTERM and SIGINT (Ctrl-C) as a cancellation token: the first asks for a graceful stop; a second one ends the
/// process at once when <see cref="SecondSignal.ForcesExit"/> says the user means it. Handled here rather than by
/// System.CommandLine, whose default gives an action only 2 s before the process is killed — shorter than the drain.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private long _firstAt;

    public StopSignal()
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        ];
    }

    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop ourselves, gracefully
        var now = Stopwatch.GetTimestamp();
        var first = Interlocked.CompareExchange(ref _firstAt, now, 0);
        if (first == 0)
        {
            _stop.Cancel();
        }
        else if (SecondSignal.ForcesExit(context.Signal, Stopwatch.GetElapsedTime(first, now)))
        {
            Environment.Exit(130); // the user does not want to wait for the drain
        }
    }
}
