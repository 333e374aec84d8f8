using System.Buffers;
using System.IO.Pipelines;

namespace Switchboard.Framing;

/// <summary>
/// Writes frames to a <see cref="PipeWriter"/> (a connection's <c>Output</c>, a <c>PipeWriter.Create(stream)</c>)
/// with an <see cref="IFramer"/>. <see cref="Write(ReadOnlySpan{byte})"/> only buffers, so several frames can go
/// out in one send; <see cref="WriteAsync"/> and <see cref="FlushAsync"/> send. Writing a frame allocates nothing.
/// </summary>
public sealed class FrameWriter
{
    private readonly PipeWriter _output;
    private readonly IFramer _framer;

    /// <summary>Creates a writer to <paramref name="output"/>; it does not own or complete the pipe.</summary>
    public FrameWriter(PipeWriter output, IFramer framer)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(framer);
        _output = output;
        _framer = framer;
    }

    /// <summary>The framing in use.</summary>
    public IFramer Framer => _framer;

    /// <summary>Buffers one frame; nothing is sent until a flush.</summary>
    /// <exception cref="FrameTooLargeException">The payload is over the framer's maximum; nothing is written.</exception>
    public void Write(ReadOnlySpan<byte> payload) => _framer.Write(payload, _output);

    /// <summary>Buffers one frame made of several segments; nothing is sent until a flush.</summary>
    /// <exception cref="FrameTooLargeException">The payload is over the framer's maximum; nothing is written.</exception>
    public void Write(in ReadOnlySequence<byte> payload) => _framer.Write(payload, _output);

    /// <summary>Writes one frame and sends everything buffered.</summary>
    /// <returns>The flush's result: <see cref="FlushResult.IsCompleted"/> means the reader is gone.</returns>
    public ValueTask<FlushResult> WriteAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        _framer.Write(payload.Span, _output);
        return _output.FlushAsync(cancellationToken);
    }

    /// <summary>Sends everything buffered.</summary>
    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => _output.FlushAsync(cancellationToken);
}
