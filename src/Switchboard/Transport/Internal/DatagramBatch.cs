using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static Switchboard.Transport.Internal.LinuxSocketCalls;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The memory of batched datagram I/O on one listener (Linux, <see cref="LinuxSocketCalls.SupportsMessageBatches"/>):
/// a receive slot and a sender address per datagram for recvmmsg(2), and a queue of replies for one sendmmsg(2).
/// Everything is allocated once, in pinned arrays the kernel reads and writes directly, so a datagram costs no
/// allocation. A reply whose bytes lie in a receive slot (echo's) is sent from there without a copy; any other is
/// copied into a reply arena. The loop that owns the listener is the only one to touch it.
/// </summary>
internal sealed unsafe class DatagramBatch
{
    /// <summary>
    /// Bytes per receive slot: the largest UDP payload (65,507) fits. Slots are address space until touched: a
    /// 64-byte datagram makes one page of its slot resident, so 64 slots of small datagrams hold 256 KiB, not 4 MiB.
    /// </summary>
    public const int SlotSize = 64 * 1024;

    /// <summary>The reply arena: replies that are not a received slot's bytes are copied here until the batch is sent.</summary>
    public const int ArenaSize = 256 * 1024;

    private const int NameSize = 128; // sizeof(struct sockaddr_storage)

    private readonly byte[] _slots;
    private readonly byte[] _names;
    private readonly byte[] _arena;
    private readonly IoVector[] _vectors;
    private readonly MessageEntry[] _entries;
    private readonly SocketAddress[] _senders;
    private readonly byte* _slotBase;
    private readonly byte* _nameBase;
    private readonly byte* _arenaBase;
    private readonly IoVector* _receiveVectors;
    private readonly IoVector* _sendVectors;
    private readonly MessageEntry* _received;
    private readonly MessageEntry* _queued;
    private readonly short _family;
    private int _arenaUsed;

    public DatagramBatch(int capacity, AddressFamily family)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _family = (short)family;
        _slots = GC.AllocateUninitializedArray<byte>(capacity * SlotSize, pinned: true);
        _names = GC.AllocateArray<byte>(2 * capacity * NameSize, pinned: true);
        _arena = GC.AllocateUninitializedArray<byte>(ArenaSize, pinned: true);
        _vectors = GC.AllocateArray<IoVector>(2 * capacity, pinned: true);
        _entries = GC.AllocateArray<MessageEntry>(2 * capacity, pinned: true);
        _slotBase = AddressOf(_slots);
        _nameBase = AddressOf(_names);
        _arenaBase = AddressOf(_arena);
        _receiveVectors = (IoVector*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_vectors));
        _sendVectors = _receiveVectors + capacity;
        _received = (MessageEntry*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_entries));
        _queued = _received + capacity;

        var addressSize = Math.Min(NameSize, Math.Max(SocketAddress.GetMaximumAddressSize(family), 16));
        _senders = new SocketAddress[capacity];
        for (var i = 0; i < capacity; i++)
        {
            _senders[i] = new SocketAddress(family, addressSize);
            _receiveVectors[i] = new IoVector { Base = _slotBase + ((long)i * SlotSize), Length = SlotSize };
            _received[i].Vectors = _receiveVectors + i;
            _received[i].VectorCount = 1;
            _received[i].Name = _nameBase + (i * NameSize);
            _queued[i].Vectors = _sendVectors + i;
            _queued[i].VectorCount = 1;
            _queued[i].Name = _nameBase + ((capacity + i) * NameSize);
        }
    }

    /// <summary>Datagrams one receive may take, and replies one send may carry.</summary>
    public int Capacity { get; }

    /// <summary>Datagrams the last receive took.</summary>
    public int Received { get; private set; }

    /// <summary>Replies waiting for <see cref="Send"/>.</summary>
    public int Queued { get; private set; }

    /// <summary>recvmmsg on <paramref name="fd"/> without waiting: datagrams received, or a negative errno.</summary>
    public int Receive(nint fd)
    {
        for (var i = 0; i < Capacity; i++)
        {
            _received[i].NameLength = NameSize; // the kernel writes back each sender's length
            _received[i].Flags = 0;
        }

        var n = ReceiveMessages(fd, _received, Capacity);
        Received = Math.Max(n, 0);
        for (var i = 0; i < Received; i++)
        {
            CopySender(i);
        }

        return n;
    }

    /// <summary>The <paramref name="index"/>th datagram of the last receive was longer than <see cref="SlotSize"/> and cut.</summary>
    public bool IsTruncated(int index) => (_received[index].Flags & MessageTruncated) != 0;

    /// <summary>The bytes of the <paramref name="index"/>th datagram, valid until the next receive.</summary>
    public Memory<byte> Payload(int index) => _slots.AsMemory(index * SlotSize, (int)Math.Min(_received[index].Length, SlotSize));

    /// <summary>The sender of the <paramref name="index"/>th datagram: one object per slot, rewritten by each receive.</summary>
    public SocketAddress Sender(int index) => _senders[index];

    /// <summary>
    /// Queues a reply for the next <see cref="Send"/>; false when the queue or the arena is full (send, then retry)
    /// or the reply could never be queued (<see cref="FitsQueue"/>).
    /// </summary>
    public bool TryQueue(ReadOnlyMemory<byte> payload, SocketAddress target)
    {
        if (Queued == Capacity || target.Size > NameSize)
        {
            return false;
        }

        byte* data;
        if (MemoryMarshal.TryGetArray(payload, out var segment) && ReferenceEquals(segment.Array, _slots))
        {
            data = _slotBase + segment.Offset; // echo: the received bytes, still in their slot until the next receive
        }
        else
        {
            if (payload.Length > ArenaSize - _arenaUsed)
            {
                return false;
            }

            data = _arenaBase + _arenaUsed;
            payload.Span.CopyTo(new Span<byte>(data, payload.Length));
            _arenaUsed += payload.Length;
        }

        var entry = _queued + Queued;
        target.Buffer.Span[..target.Size].CopyTo(new Span<byte>(entry->Name, NameSize));
        entry->NameLength = (uint)target.Size;
        entry->Vectors->Base = data;
        entry->Vectors->Length = (nuint)payload.Length;
        entry->Flags = 0;
        Queued++;
        return true;
    }

    /// <summary>True when a reply of <paramref name="length"/> bytes can be queued into an empty batch.</summary>
    public static bool FitsQueue(int length) => length <= ArenaSize;

    /// <summary>
    /// sendmmsg of the queued replies from <paramref name="start"/>: how many were sent, or a negative errno for the
    /// one at <paramref name="start"/> (the caller drops it and sends on from the next).
    /// </summary>
    public int Send(nint fd, int start) => SendMessages(fd, _queued + start, Queued - start);

    /// <summary>Empties the reply queue (after <see cref="Send"/> took or dropped every reply).</summary>
    public void ClearQueue()
    {
        Queued = 0;
        _arenaUsed = 0;
    }

    private void CopySender(int index)
    {
        var sender = _senders[index];
        var buffer = sender.Buffer.Span;
        var length = (int)Math.Min(_received[index].NameLength, (uint)buffer.Length);
        if (length < 2)
        {
            // An unnamed Unix socket: the kernel writes no address at all. Family only, as the managed path reads it.
            MemoryMarshal.Write(buffer, in _family);
            sender.Size = 2;
            return;
        }

        new ReadOnlySpan<byte>(_received[index].Name, length).CopyTo(buffer);
        sender.Size = length;
    }

    private static byte* AddressOf(byte[] pinned) => (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
}
