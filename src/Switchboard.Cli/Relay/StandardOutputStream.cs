using System.Runtime.InteropServices;
using Switchboard.Cli.Hosting;

namespace Switchboard.Cli.Relay;

/// <summary>
/// Descriptor 1 written with write(2), unbuffered. Every write lands at the descriptor's shared offset, as for any
/// Unix tool: in <c>{ echo before; switchboard connect …; echo after; } &gt; f</c> all three survive. A
/// <see cref="FileStream"/> on a regular file keeps a position of its own and writes with pwrite(2) from the offset it
/// saw when opened, over what the shell writes around it. EPIPE (and a stdout closed at start) is an
/// <see cref="IOException"/>, which the relay reads as "the reader has gone".
/// </summary>
internal sealed class StandardOutputStream : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (StandardDescriptors.StdoutClosed)
        {
            throw new IOException("stdout was closed when the tool started");
        }

        while (!buffer.IsEmpty)
        {
            var n = Posix.Write(Posix.StdoutFd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
            if (n >= 0)
            {
                buffer = buffer[(int)n..];
                continue;
            }

            var (errno, message) = Posix.LastError();
            if (errno == Posix.WouldBlock)
            {
                Posix.WaitFor(Posix.StdoutFd, Posix.PollOut); // someone sharing our terminal or pipe made it non-blocking
            }
            else if (errno != Posix.Interrupted)
            {
                throw new IOException($"stdout: {message}", errno);
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>The write blocks (a full pipe, a slow terminal), so it runs on the thread pool, as FileStream's did.</summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled(cancellationToken)
            : new ValueTask(Task.Run(() => Write(buffer.Span), cancellationToken));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
