using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Switchboard.Exec.Internal;

/// <summary>
/// One spawned child, the leader of its own process group: its exit (completed by <see cref="ChildReaper"/>), and
/// signals to the group, so that a <c>sh -c</c> script's own children stop with it. Signals are sent only until the
/// child is reaped: after that its pid, and so its group id, may belong to someone else.
/// </summary>
internal sealed class ChildProcess
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<ExecExit> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _started = Stopwatch.GetTimestamp();
    private bool _reaped;
    private int _terminated;

    public ChildProcess(int pid) => Pid = pid;

    public int Pid { get; }

    /// <summary>Completes when the child has been reaped (no zombie is left).</summary>
    public Task<ExecExit> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    /// <summary>SIGTERM to the group: the polite request (server stopping, the peer gone).</summary>
    public void Terminate()
    {
        Interlocked.Exchange(ref _terminated, 1);
        Signal(ProcessCalls.SigTerm);
    }

    /// <summary>SIGKILL to the group: the drain is over.</summary>
    public void Kill() => Signal(ProcessCalls.SigKill);

    /// <summary>
    /// SIGTERM, then SIGKILL after <paramref name="grace"/> if the child still runs; SIGKILL at once when it was
    /// asked to terminate already (the stop's SIGTERM, then the drain's end).
    /// </summary>
    public void TerminateThenKill(TimeSpan grace)
    {
        if (HasExited)
        {
            return;
        }

        if (Interlocked.Exchange(ref _terminated, 1) == 1)
        {
            Kill();
            return;
        }

        Signal(ProcessCalls.SigTerm);
        _ = KillLaterAsync(grace);
    }

    /// <summary>Reaps the child if it has ended (<c>waitpid(pid, WNOHANG)</c>); true once it is reaped.</summary>
    public bool TryReap()
    {
        ExecExit exit;
        lock (_gate)
        {
            if (_reaped)
            {
                return true;
            }

            int result;
            int status;
            do
            {
                result = ProcessCalls.WaitPid(Pid, out status, ProcessCalls.NoHang);
            }
            while (result < 0 && Marshal.GetLastPInvokeError() == ProcessCalls.Errno.Interrupted);

            var elapsed = Stopwatch.GetElapsedTime(_started);
            if (result == Pid)
            {
                exit = new ExecExit(ProcessCalls.ExitCodeOf(status), ProcessCalls.SignalOf(status), elapsed);
            }
            else if (result < 0)
            {
                exit = new ExecExit(-1, 0, elapsed, Known: false); // ECHILD: reaped by someone else
            }
            else
            {
                return false; // still running
            }

            _reaped = true;
        }

        _exited.TrySetResult(exit);
        return true;
    }

    private void Signal(int signal)
    {
        lock (_gate)
        {
            if (_reaped)
            {
                return;
            }

            // The group first (the child and what it started); the child alone if it left the group.
            if (ProcessCalls.Kill(-Pid, signal) != 0)
            {
                ProcessCalls.Kill(Pid, signal);
            }
        }
    }

    private async Task KillLaterAsync(TimeSpan grace)
    {
        await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        Kill();
    }
}
