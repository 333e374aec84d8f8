using System.Runtime.InteropServices;
using Switchboard.Cli.Hosting;

namespace Switchboard.Cli.Relay;

/// <summary>
/// The interactive mode on a terminal: the terminal's own line discipline (canonical mode) edits each line and hands
/// it over when the user presses Enter, <c>\n</c> included; Ctrl-D on an empty line is end of input. No prompt, so what
/// the peer sends reads cleanly in between.
/// </summary>
/// <remarks>
/// Descriptor 0 is read directly, on a thread that waits in poll(2) for input or for a wake-up from the read's
/// cancellation token. <c>Console.In.ReadLineAsync</c> blocks its caller in a read that no token ends: the session
/// then outlived its peer, and Ctrl-C waited for Enter. The wake-up pipe lives as long as the process.
/// </remarks>
internal sealed class TerminalLineSource : IStdinSource
{
    private readonly int _fd;
    private readonly int _wakeRead;
    private readonly int _wakeWrite;

    /// <summary>Reads <paramref name="fd"/> (stdin unless a test gives another).</summary>
    public TerminalLineSource(int fd = Posix.StdinFd)
    {
        _fd = fd;
        Span<int> wake = stackalloc int[2];
        if (Posix.Pipe(ref MemoryMarshal.GetReference(wake)) < 0)
        {
            throw new IOException($"cannot create a pipe: {Posix.LastError().Message}");
        }

        (_wakeRead, _wakeWrite) = (wake[0], wake[1]);
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<int>(cancellationToken)
            : new ValueTask<int>(Task.Factory.StartNew(
                () => Read(buffer, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default));

    private int Read(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        using var wake = cancellationToken.Register(Wake);
        Span<Posix.PollFd> wait = [new() { Fd = _fd, Events = Posix.PollIn }, new() { Fd = _wakeRead, Events = Posix.PollIn }];
        while (true)
        {
            wait[0].ReturnedEvents = wait[1].ReturnedEvents = 0;
            if (Posix.Poll(ref MemoryMarshal.GetReference(wait), 2, -1) < 0)
            {
                var (errno, message) = Posix.LastError();
                if (errno == Posix.Interrupted)
                {
                    continue;
                }

                throw new IOException($"stdin: {message}", errno);
            }

            if (wait[1].ReturnedEvents != 0)
            {
                byte token = 0;
                Posix.Read(_wakeRead, ref token, 1); // one wake-up used; a stale one from an earlier read just loops
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (wait[0].ReturnedEvents == 0)
            {
                continue;
            }

            var n = Posix.Read(_fd, ref MemoryMarshal.GetReference(buffer.Span), buffer.Length);
            if (n >= 0)
            {
                return (int)n;
            }

            var (readErrno, readMessage) = Posix.LastError();
            if (readErrno != Posix.Interrupted && readErrno != Posix.WouldBlock)
            {
                return readErrno == Posix.InputOutputError ? 0 : throw new IOException($"stdin: {readMessage}", readErrno);
            }
        }
    }

    private void Wake()
    {
        byte token = 1;
        Posix.Write(_wakeWrite, ref token, 1);
    }
}
