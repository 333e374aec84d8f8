namespace Switchboard.Cli.Hosting;

/// <summary>
/// Descriptors 0–2 as the tool was started with them. A shell's <c>&lt;&amp;-</c>, <c>&gt;&amp;-</c> or <c>2&gt;&amp;-</c>
/// closes one, and the runtime, starting up before any of our code, takes the lowest free descriptors for its own
/// pipe: stdin would then read the runtime's wake-ups (a hang), stdout and stderr would write into them or fail with
/// EBADF (a stack trace, exit 134). <see cref="Check"/> runs first thing in <c>Program</c>: a closed stdin then reads
/// as empty, a closed stdout fails like a pipe whose reader has gone, a closed stderr is silent.
/// </summary>
internal static class StandardDescriptors
{
    public static bool StdinClosed { get; private set; }

    public static bool StdoutClosed { get; private set; }

    public static bool StderrClosed { get; private set; }

    /// <summary>Finds the closed ones, fills a free slot with /dev/null, and points the console's readers and writers away.</summary>
    public static void Check()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var closed = new bool[3];
        for (var fd = Posix.StdinFd; fd <= Posix.StderrFd; fd++)
        {
            if (Posix.Fcntl(fd, Posix.GetDescriptorFlags) < 0 && Posix.LastError().Errno == Posix.BadDescriptor)
            {
                closed[fd] = true;
                FillWithDevNull(fd); // or the next socket we open lands there, and the console writes into it
            }
        }

        for (var fd = Posix.StdinFd; fd <= Posix.StderrFd; fd++)
        {
            closed[fd] |= IsOwnPipe(fd);
        }

        (StdinClosed, StdoutClosed, StderrClosed) = (closed[0], closed[1], closed[2]);
        if (StdinClosed)
        {
            Console.SetIn(TextReader.Null);
        }

        if (StdoutClosed)
        {
            Console.SetOut(TextWriter.Null);
        }

        if (StderrClosed)
        {
            Console.SetError(TextWriter.Null);
        }
    }

    private static void FillWithDevNull(int fd)
    {
        var opened = Posix.Open("/dev/null", Posix.ReadWrite);
        if (opened >= 0 && opened != fd)
        {
            Posix.Dup2(opened, fd);
            Posix.Close(opened);
        }
    }

    /// <summary>
    /// True when <paramref name="fd"/> is one end of a pipe whose other end this process holds too: no parent hands
    /// a child both ends of its stdin or stdout, the runtime's own pipe is made so. It is left alone (the runtime
    /// uses it) and treated as closed. Linux only: it reads /proc/self/fd.
    /// </summary>
    private static bool IsOwnPipe(int fd)
    {
        const string Descriptors = "/proc/self/fd";
        if (!OperatingSystem.IsLinux() || LinkOf(Path.Combine(Descriptors, fd.ToString(System.Globalization.CultureInfo.InvariantCulture))) is not { } pipe
            || !pipe.StartsWith("pipe:", StringComparison.Ordinal))
        {
            return false;
        }

        var mode = Posix.Fcntl(fd, Posix.GetStatusFlags) & Posix.AccessModeMask;
        foreach (var entry in Directory.EnumerateFileSystemEntries(Descriptors))
        {
            if (int.TryParse(Path.GetFileName(entry), out var other) && other != fd && LinkOf(entry) == pipe
                && Posix.Fcntl(other, Posix.GetStatusFlags) is >= 0 and var flags && (flags & Posix.AccessModeMask) != mode)
            {
                return true;
            }
        }

        return false;
    }

    private static string? LinkOf(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (IOException)
        {
            return null; // a descriptor closed while we looked (the directory's own)
        }
    }
}
