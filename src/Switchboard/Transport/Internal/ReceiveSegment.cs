using System.Buffers;

namespace Switchboard.Transport.Internal;

/// <summary>
/// One pooled array in a <see cref="ConnectionPipeReader"/>'s chain; <see cref="Length"/> bytes of it are filled.
/// The segment objects themselves are kept for reuse too: by the reader, or by the thread (<see cref="Take"/>).
/// </summary>
internal sealed class ReceiveSegment : ReadOnlySequenceSegment<byte>
{
    /// <summary>A loop's connections take turns, so a few per thread serve them all (each holds no array while cached).</summary>
    private const int CachedPerThread = 16;

    [ThreadStatic]
    private static ReceiveSegment? _cached; // a stack linked through _nextCached

    [ThreadStatic]
    private static int _cachedCount;

    private byte[]? _array;
    private ReceiveSegment? _nextCached;

    public int Length { get; private set; }

    public int Free => _array!.Length - Length;

    public Memory<byte> FreeMemory => _array.AsMemory(Length);

    /// <summary>
    /// A segment from this thread's cache, or a new one. The connections of an event loop share their thread's, so
    /// an idle one keeps no spare of its own (64 bytes each) and a message still allocates nothing.
    /// </summary>
    public static ReceiveSegment Take()
    {
        if (_cached is not { } segment)
        {
            return new ReceiveSegment();
        }

        _cached = segment._nextCached;
        segment._nextCached = null;
        _cachedCount--;
        return segment;
    }

    /// <summary>Gives a returned segment (<see cref="Return"/>) to this thread's cache; past its size it is dropped.</summary>
    public static void Cache(ReceiveSegment segment)
    {
        if (_cachedCount >= CachedPerThread)
        {
            return;
        }

        segment._nextCached = _cached;
        _cached = segment;
        _cachedCount++;
    }

    public void Rent(int size)
    {
        _array = ArrayPool<byte>.Shared.Rent(size);
        Length = 0;
    }

    /// <summary>Joins the chain after <paramref name="previous"/> (null: it starts a new chain).</summary>
    public void Follow(ReceiveSegment? previous)
    {
        RunningIndex = previous is null ? 0 : previous.RunningIndex + previous.Length;
        if (previous is not null)
        {
            previous.Next = this;
        }
    }

    public void Commit(int count)
    {
        Length += count;
        Memory = _array.AsMemory(0, Length);
    }

    /// <summary>Gives the array back to the pool and leaves the chain.</summary>
    public void Return()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = null;
        Memory = default;
        Next = null;
        Length = 0;
    }
}
