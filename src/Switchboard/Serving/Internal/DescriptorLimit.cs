using System.Runtime.InteropServices;

namespace Switchboard.Serving.Internal;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE) on Linux. Every connection holds a descriptor, and so do the
/// runtime's own calls (a new thread, a read of /proc): when those get EMFILE the runtime aborts the process
/// ("Out of memory."), so connections must stop short of the limit.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int RlimitNofile = 7; // RLIMIT_NOFILE on x86-64 and the generic ABI (arm64)

    /// <summary>The soft limit; null where unknown (not Linux) or unlimited.</summary>
    public static long? Soft()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        return limit.Current > long.MaxValue ? null : (long)limit.Current;
    }

    /// <summary>
    /// Raises the soft limit to the hard one, where it is lower. The runtime already does this at start (checked: a
    /// soft 256 under a hard 20000 is 20000 in /proc/PID/limits), so this only undoes a lowering made since; it is
    /// the process owner's call, hence <see cref="ServerOptions.RaiseDescriptorLimit"/>.
    /// </summary>
    public static void RaiseSoftToHard()
    {
        if (OperatingSystem.IsLinux() && getrlimit(RlimitNofile, out var limit) == 0 && limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            _ = setrlimit(RlimitNofile, in raised); // refused (a hard limit the kernel caps lower): keep the soft one
        }
    }

    /// <summary>Descriptors open now, or 0 where that cannot be read.</summary>
    public static int OpenNow()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Directory.GetFileSystemEntries("/proc/self/fd").Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Rlimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in Rlimit limit);
}
