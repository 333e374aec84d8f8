using Switchboard.Transport.Internal;

namespace Switchboard.Security.Internal;

/// <summary>
/// The ciphertext side of a TLS connection: a <see cref="Stream"/> over one socket's <see cref="SocketIO"/>, so
/// <see cref="System.Net.Security.SslStream"/> does its I/O the way the connection's model does (blocking calls, a
/// select loop's readiness, the runtime's engine). A zero-byte read waits for readability with no buffer: that is
/// what lets SslStream hold no buffer while a connection is idle.
/// </summary>
internal sealed class SocketIOStream(SocketIO io) : Stream
{
    // On an event loop, completions reach SslStream with no context current (see ContextFreeCompletion); elsewhere
    // they complete on the thread pool or synchronously, and go straight through.
    private readonly ContextFreeCompletion? _reads = io.Loop is null ? null : new();
    private readonly ContextFreeCompletion? _writes = io.Loop is null ? null : new();

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = buffer.IsEmpty ? WaitForDataAsync(cancellationToken) : io.ReceiveAsync(buffer, cancellationToken);
        return _reads is null ? read : _reads.Track(read);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var write = io.SendAsync(buffer, cancellationToken);
        return _writes is null ? write : _writes.Track(write);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // SslStream uses the synchronous members only when its caller does; every caller here is asynchronous.
    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    // Pooled: a ValueTask over a reusable source, not over a Task (whose continuation a loop thread would not inline).
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> WaitForDataAsync(CancellationToken cancellationToken)
    {
        await io.WaitForReadableAsync(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        return 0;
    }
}
