using System.Buffers;

namespace Switchboard.Cli.Relay;

/// <summary>Bytes to a stream as they come, unchanged (binary safe: no decoding, no line buffering).</summary>
internal sealed class RawOutput(Stream stdout) : IOutputSink, IDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            foreach (var segment in data)
            {
                await stdout.WriteAsync(segment, cancellationToken);
            }

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

    public ValueTask CompleteAsync() => ValueTask.CompletedTask;

    public void Dispose() => _lock.Dispose();
}
