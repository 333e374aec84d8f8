namespace Switchboard.Chat.Internal;

/// <summary>
/// The lines waiting for one member, oldest first: a ring of <see cref="ChatMessage"/> (each a reference to bytes
/// shared with every other member's queue, never a copy) that keeps count of what it holds, each line costing its
/// bytes plus <see cref="ChatOptions.QueuedLineOverhead"/>. Not thread-safe: <see cref="ChatMember"/> guards it with
/// its lock. The ring grows by doubling, and once emptied after a burst gives a large ring back, so a member that
/// was behind once does not keep the slots of its worst moment; a ring of ordinary size is kept, so steady
/// queuing allocates nothing.
/// </summary>
internal sealed class MemberQueue
{
    private const int InitialSlots = 16;

    /// <summary>A ring this large (16 KiB of slots) is given back when it empties.</summary>
    private const int KeptSlots = 1024;

    private ChatMessage[] _slots = [];
    private int _head;

    /// <summary>Lines queued.</summary>
    public int Count { get; private set; }

    /// <summary>What the queued lines cost: their bytes plus the overhead of each.</summary>
    public long Bytes { get; private set; }

    /// <summary>The oldest line; only when <see cref="Count"/> is above 0.</summary>
    public ChatMessage Peek() => _slots[_head];

    /// <summary>What <paramref name="message"/> counts against the limits.</summary>
    public static long CostOf(ChatMessage message) => message.Bytes.Length + ChatOptions.QueuedLineOverhead;

    public void Enqueue(ChatMessage message)
    {
        if (Count == _slots.Length)
        {
            Grow();
        }

        _slots[(_head + Count) % _slots.Length] = message;
        Count++;
        Bytes += CostOf(message);
    }

    /// <summary>Removes and returns the oldest line; only when <see cref="Count"/> is above 0.</summary>
    public ChatMessage Dequeue()
    {
        var message = _slots[_head];
        _slots[_head] = default; // the queue must not keep a line alive once it has gone
        _head = (_head + 1) % _slots.Length;
        Count--;
        Bytes -= CostOf(message);
        if (Count == 0)
        {
            _head = 0;
            if (_slots.Length > KeptSlots)
            {
                _slots = [];
            }
        }

        return message;
    }

    /// <summary>Drops the oldest lines until the queue costs at most <paramref name="bytes"/>; returns how many went.</summary>
    public int DropOldestUntil(long bytes)
    {
        var dropped = 0;
        while (Count > 0 && Bytes > bytes)
        {
            Dequeue();
            dropped++;
        }

        return dropped;
    }

    /// <summary>Empties the queue (the member is gone); the lines' bytes stay with whoever else holds them.</summary>
    public void Clear()
    {
        while (Count > 0)
        {
            Dequeue();
        }
    }

    private void Grow()
    {
        var larger = new ChatMessage[Math.Max(InitialSlots, _slots.Length * 2)];
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _slots[(_head + i) % _slots.Length];
        }

        _slots = larger;
        _head = 0;
    }
}
