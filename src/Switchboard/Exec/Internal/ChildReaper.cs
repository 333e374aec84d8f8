using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Switchboard.Exec.Internal;

/// <summary>
/// Reaps the children this library spawned, and only those. The runtime handles SIGCHLD itself and reaps the
/// children it started through <see cref="System.Diagnostics.Process"/> (every child only when the process started
/// with SIGCHLD ignored), so <c>waitpid(-1)</c> here would steal its exit statuses; instead each SIGCHLD (signals
/// coalesce, so one may stand for many exits) checks every child of ours with <c>waitpid(pid, WNOHANG)</c>. A child
/// that ends before it is tracked is caught by the check <see cref="Track"/> makes after adding it.
/// </summary>
internal static class ChildReaper
{
    private static readonly ConcurrentDictionary<int, ChildProcess> Children = new();
    private static readonly Lock Gate = new();
    private static PosixSignalRegistration? _registration;

    /// <summary>The children spawned and not yet reaped, for tests and the stop.</summary>
    public static int Count => Children.Count;

    public static void Track(ChildProcess child)
    {
        EnsureListening();
        Children[child.Pid] = child;
        ReapIfEnded(child);
    }

    private static void EnsureListening()
    {
        if (OperatingSystem.IsWindows() || Volatile.Read(ref _registration) is not null)
        {
            return;
        }

        lock (Gate)
        {
            _registration ??= PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => ReapEnded());
        }
    }

    private static void ReapEnded()
    {
        foreach (var child in Children.Values)
        {
            ReapIfEnded(child);
        }
    }

    private static void ReapIfEnded(ChildProcess child)
    {
        if (child.TryReap())
        {
            Children.TryRemove(new KeyValuePair<int, ChildProcess>(child.Pid, child));
        }
    }
}
