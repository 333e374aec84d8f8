using System.Runtime.InteropServices;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// The few libc calls the tool makes on its standard descriptors itself, where .NET's own streams fall short: a
/// console read ignores cancellation once started, a <see cref="FileStream"/> keeps a file position of its own
/// (pwrite) instead of the shell's shared offset, and the console drops EPIPE.
/// </summary>
internal static partial class Posix
{
    public const int StdinFd = 0;
    public const int StdoutFd = 1;
    public const int StderrFd = 2;

    public const int Interrupted = 4;    // EINTR
    public const int InputOutputError = 5; // EIO: a read from a terminal that has hung up
    public const int BadDescriptor = 9;  // EBADF

    public const short PollIn = 0x1;     // POLLIN
    public const short PollOut = 0x4;    // POLLOUT

    public const int GetDescriptorFlags = 1; // F_GETFD
    public const int GetStatusFlags = 3;     // F_GETFL
    public const int AccessModeMask = 3;     // O_ACCMODE
    public const int ReadWrite = 2;          // O_RDWR

    /// <summary>EAGAIN: 11 on Linux, 35 on the BSDs and macOS.</summary>
    public static int WouldBlock => OperatingSystem.IsLinux() ? 11 : 35;

    /// <summary>The errno of the last call, and its message ("Broken pipe").</summary>
    public static (int Errno, string Message) LastError()
    {
        var errno = Marshal.GetLastPInvokeError();
        return (errno, Marshal.GetPInvokeErrorMessage(errno));
    }

    /// <summary>Waits until <paramref name="fd"/> is ready for <paramref name="events"/>, retrying after a signal.</summary>
    public static void WaitFor(int fd, short events)
    {
        Span<PollFd> poll = [new PollFd { Fd = fd, Events = events }];
        while (Poll(ref MemoryMarshal.GetReference(poll), 1, -1) < 0 && Marshal.GetLastPInvokeError() == Interrupted)
        {
        }
    }

    /// <summary>One entry of poll(2)'s array.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short ReturnedEvents;
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    public static partial int Dup2(int fd, int target);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    /// <summary>pipe(2): <paramref name="fds"/> is the first of two ints, the read end then the write end.</summary>
    [LibraryImport("libc", EntryPoint = "pipe", SetLastError = true)]
    public static partial int Pipe(ref int fds);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(ref PollFd fds, nuint count, int timeout);
}
