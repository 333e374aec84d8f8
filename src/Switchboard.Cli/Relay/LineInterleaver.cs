using System.Buffers;
using Switchboard.Framing;

namespace Switchboard.Cli.Relay;

/// <summary>
/// Several peers printing to one stdout (<c>listen --keep-open</c>): each peer's bytes are held until a newline and
/// written a whole line (or several) at a time, so lines from different peers never mix. A line longer than
/// <see cref="MaxHeldBytes"/> is written in pieces rather than held without bound (the library's
/// <see cref="LineReader"/> with <see cref="LineOverflow.Split"/>).
/// </summary>
internal sealed class LineInterleaver(Stream stdout) : IDisposable
{
    public const int MaxHeldBytes = 64 * 1024;

    private readonly SemaphoreSlim _lock = new(1, 1);

    public IOutputSink CreateSink() => new Sink(this);

    public void Dispose() => _lock.Dispose();

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> lines, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            await stdout.WriteAsync(lines, cancellationToken);
            await stdout.FlushAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new StdoutClosedException(e);
        }
        finally
        {
            _lock.Release();
        }
    }

    private sealed class Sink(LineInterleaver owner) : IOutputSink
    {
        private readonly ArrayBufferWriter<byte> _held = new();
        private readonly LineReader _lines = new(DelimitedFramer.NewLine(MaxHeldBytes), LineOverflow.Split);

        public async ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
        {
            foreach (var segment in data)
            {
                _held.Write(segment.Span);
            }

            // Up to the end of the last whole line, or of the last piece of one over the limit.
            var input = new ReadOnlySequence<byte>(_held.WrittenMemory);
            while (_lines.Read(ref input, out _) != LineReadStatus.NeedMore)
            {
            }

            var upTo = _held.WrittenCount - (int)input.Length;
            if (upTo == 0)
            {
                return;
            }

            var rest = _held.WrittenSpan[upTo..].ToArray();
            await owner.WriteAsync(_held.WrittenMemory[..upTo], cancellationToken);
            _held.Clear();
            _held.Write(rest);
        }

        public async ValueTask CompleteAsync()
        {
            if (_held.WrittenCount > 0)
            {
                await owner.WriteAsync(_held.WrittenMemory, CancellationToken.None);
                _held.Clear();
            }
        }
    }
}
