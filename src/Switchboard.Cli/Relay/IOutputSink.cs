using System.Buffers;

namespace Switchboard.Cli.Relay;

/// <summary>Where one peer's bytes go: straight to stdout, or through a <see cref="LineInterleaver"/>.</summary>
internal interface IOutputSink
{
    ValueTask WriteAsync(ReadOnlySequence<byte> data, CancellationToken cancellationToken);

    /// <summary>The peer is done: write what is held back (a last line without a newline).</summary>
    ValueTask CompleteAsync();
}
