using System.Buffers;

namespace Switchboard.Tests.Framing;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s, to test parsing across segment edges.</summary>
public sealed class TestSegment : ReadOnlySequenceSegment<byte>
{
    private TestSegment(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>A sequence made of <paramref name="parts"/>, one segment each (empty parts included).</summary>
    public static ReadOnlySequence<byte> Sequence(params ReadOnlyMemory<byte>[] parts)
    {
        var first = new TestSegment(parts.Length > 0 ? parts[0] : ReadOnlyMemory<byte>.Empty, 0);
        var last = first;
        for (var i = 1; i < parts.Length; i++)
        {
            var next = new TestSegment(parts[i], last.RunningIndex + last.Memory.Length);
            last.Next = next;
            last = next;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
