using System.Buffers;
using Switchboard.Transport;

namespace Switchboard.Chat.Internal;

/// <summary>The writer loop: everything queued goes out in as few socket writes as it fits in.</summary>
internal sealed partial class ChatMember
{
    /// <summary>
    /// The most one socket write carries when it gathers several lines, and so the most that leaves the queue (and
    /// the reach of the limits) at once. 16 KiB: a few hundred chat lines per system call, one pooled buffer.
    /// </summary>
    public const int WriteBatchBytes = 16 * 1024;

    private async Task WriteLoopAsync()
    {
        var output = _connection.Output;
        try
        {
            while (true)
            {
                var batch = TakeBatch();
                if (batch.Done)
                {
                    break;
                }

                if (batch.Wait)
                {
                    await _wake.Reader.WaitToReadAsync();
                    _wake.Reader.TryRead(out _);
                    continue;
                }

                // One line alone goes out from its shared bytes as they are; several were copied into one buffer,
                // the only copy a line ever gets, so that they take one system call.
                var writing = output.WriteAsync(batch.Buffer is { } gathered ? gathered.AsMemory(0, batch.Length) : batch.Single.Bytes, _connection.Aborted);
                if (!writing.IsCompleted)
                {
                    PushedBack(); // the kernel did not take it all: from now on the member, not the server, is slow
                }

                await writing;
                if (batch.Buffer is { } used)
                {
                    ArrayPool<byte>.Shared.Return(used); // not after a failed write: the socket may still hold it
                }
            }

            await _connection.ShutdownOutputAsync(_connection.Aborted);
        }
        catch (Exception e) when (e is OperationCanceledException or ConnectionException)
        {
            // The peer is gone or the connection was reset: nothing more can reach it.
            Close(null, "connection lost");
        }
    }

    /// <summary>
    /// Under the lock: the next write's lines, a notice of lines dropped first where there was a gap; or that the
    /// writer should wait (it is then woken by the next line), or that the queue is closed and empty.
    /// </summary>
    private Batch TakeBatch()
    {
        lock (_lock)
        {
            _writeStarted = 0; // the last write, if any, is done
            _pushedBack = false;
            if (_queue.Count == 0 && _dropped == 0)
            {
                if (_completed)
                {
                    return new Batch { Done = true };
                }

                _writerWaiting = true;
                return new Batch { Wait = true };
            }

            BeginWriteLocked();
            if (_dropped == 0 && (_queue.Count == 1 || _queue.Peek().Bytes.Length >= WriteBatchBytes / 2))
            {
                var single = _queue.Dequeue();
                EndSoftLocked();
                return new Batch { Single = single };
            }

            var buffer = ArrayPool<byte>.Shared.Rent(WriteBatchBytes);
            var length = 0;
            if (_dropped > 0)
            {
                var notice = ChatFormat.LinesDropped(_dropped).Bytes.Span;
                notice.CopyTo(buffer);
                length = notice.Length;
                _dropped = 0;
            }

            while (_queue.Count > 0 && length + _queue.Peek().Bytes.Length <= WriteBatchBytes)
            {
                var line = _queue.Dequeue().Bytes.Span;
                line.CopyTo(buffer.AsSpan(length));
                length += line.Length;
            }

            EndSoftLocked();
            return new Batch { Buffer = buffer, Length = length };
        }
    }

    private readonly struct Batch
    {
        public bool Done { get; init; }

        public bool Wait { get; init; }

        public ChatMessage Single { get; init; }

        public byte[]? Buffer { get; init; }

        public int Length { get; init; }
    }
}
