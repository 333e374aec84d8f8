using System.Buffers;

namespace Switchboard.Benchmarks;

/// <summary>A link of a multi-segment <see cref="ReadOnlySequence{T}"/>, so framers are measured across segment boundaries as a pipe hands them over.</summary>
internal sealed class ChainedSegment : ReadOnlySequenceSegment<byte>
{
    public ChainedSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    public ChainedSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ChainedSegment(memory, RunningIndex + Memory.Length);
        Next = next;
        return next;
    }

    /// <summary><paramref name="bytes"/> cut into <paramref name="segmentSize"/>-byte segments.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentSize)
    {
        var first = new ChainedSegment(bytes.AsMemory(0, Math.Min(segmentSize, bytes.Length)), 0);
        var last = first;
        for (var offset = segmentSize; offset < bytes.Length; offset += segmentSize)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
