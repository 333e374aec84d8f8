using System.Runtime.InteropServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The process's open-file limit (RLIMIT_NOFILE) on Linux, and which descriptor limit was hit. Every connection holds
/// a descriptor, and so do the runtime's own calls (a new thread, a read of /proc): when those get EMFILE the runtime
/// aborts the process ("Out of memory."), so connections must stop short of the limit.
/// Which limit was hit: .NET maps both EMFILE (this process is at its <c>ulimit -n</c>) and ENFILE
/// (the whole system is at <c>fs.file-max</c>) to <see cref="System.Net.Sockets.SocketError.TooManyOpenSockets"/>,
/// whose message is ENFILE's "Too many open files in system" for both; the common case, EMFILE, then points the
/// user at the wrong limit. Opening /dev/null at once fails with the real errno and tells them apart.
/// </summary>
internal static partial class DescriptorLimit
{
    private const int ProcessLimitReached = 24; // EMFILE
    private const int SystemLimitReached = 23;  // ENFILE
    private const int NoFileResource = 7;       // RLIMIT_NOFILE on Linux
    private const int ReadOnlyCloseOnExec = 0x80000; // O_RDONLY | O_CLOEXEC

    /// <summary>The soft limit; null where unknown (not Linux) or unlimited.</summary>
    public static long? Soft()
    {
        if (!OperatingSystem.IsLinux() || getrlimit(NoFileResource, out var limit) != 0)
        {
            return null;
        }

        return limit.Current > long.MaxValue ? null : (long)limit.Current;
    }

    /// <summary>
    /// Raises the soft limit to the hard one, where it is lower. The runtime already does this at start (checked: a
    /// soft 256 under a hard 20000 is 20000 in /proc/PID/limits), so this only undoes a lowering made since; it is
    /// the process owner's call, hence <c>ServerOptions.RaiseDescriptorLimit</c>.
    /// </summary>
    public static void RaiseSoftToHard()
    {
        if (OperatingSystem.IsLinux() && getrlimit(NoFileResource, out var limit) == 0 && limit.Current < limit.Maximum)
        {
            var raised = limit with { Current = limit.Maximum };
            _ = setrlimit(NoFileResource, in raised); // refused (a hard limit the kernel caps lower): keep the soft one
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

    /// <summary>One phrase for "out of descriptors", naming the limit that was reached.</summary>
    public static string Describe() => Probe() switch
    {
        SystemLimitReached => "too many open files in the whole system (fs.file-max)",
        _ when !OperatingSystem.IsLinux() => "too many open files (ulimit -n)",
        // 0: a descriptor came free since the failure; the process limit is still by far the likelier one.
        _ => $"too many open files: this process is at its limit{ProcessLimit()} descriptors (ulimit -n)",
    };

    /// <summary>
    /// The phrase of <see cref="Describe"/> if no descriptor can be opened right now, else null: for failures the
    /// runtime reports as something else (a thread that cannot start for want of a descriptor is "out of memory").
    /// </summary>
    public static string? DescribeIfExhausted() =>
        OperatingSystem.IsLinux() && Probe() is ProcessLimitReached or SystemLimitReached ? Describe() : null;

    /// <summary>
    /// 0 if a few descriptors can be opened now, else the errno of the attempt that failed. A few, not one: what
    /// failed may have needed more than one (a thread's start takes a pipe).
    /// </summary>
    private static int Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        Span<int> opened = stackalloc int[4];
        var count = 0;
        var errno = 0;
        for (; count < opened.Length; count++)
        {
            opened[count] = open("/dev/null", ReadOnlyCloseOnExec);
            if (opened[count] < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                break;
            }
        }

        foreach (var fd in opened[..count])
        {
            _ = close(fd);
        }

        return errno;
    }

    private static string ProcessLimit() => getrlimit(NoFileResource, out var limit) == 0 ? $" of {limit.Current}" : "";

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct ResourceLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int close(int fd);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int getrlimit(int resource, out ResourceLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int setrlimit(int resource, in ResourceLimit limit);
}
