using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Switchboard.Cli.Bench;

/// <summary>
/// Linux epoll for the load generator: one thread waits on many non-blocking sockets with no allocation per event
/// and no thread-pool hop, so the generator stays cheaper than the server it measures. Sockets are registered
/// edge-triggered and tagged with an index into the caller's table.
/// </summary>
internal sealed partial class Epoll : IDisposable
{
    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint ReadHangUp = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    private const int CtlAdd = 1;
    private const int CtlDelete = 2;

    // struct epoll_event is packed on x86-64 (12 bytes: events, then data at offset 4) and naturally aligned
    // elsewhere (16 bytes, data at offset 8); the bytes are laid out by hand rather than with two struct types.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _fd;
    private readonly byte[] _events;

    public Epoll(int capacity = 1024)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("switchboard bench needs Linux (it drives its sockets with epoll)");
        }

        _fd = epoll_create1(0x80000); // EPOLL_CLOEXEC
        if (_fd < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        _events = new byte[capacity * EventSize];
    }

    /// <summary>Registers <paramref name="fd"/> for <paramref name="events"/>, tagged with <paramref name="tag"/>.</summary>
    public void Add(nint fd, uint events, int tag)
    {
        Span<byte> entry = stackalloc byte[16];
        entry.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(entry, events);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[DataOffset..], (ulong)tag);
        if (epoll_ctl(_fd, CtlAdd, (int)fd, ref MemoryMarshal.GetReference(entry)) != 0)
        {
            throw new InvalidOperationException($"epoll_ctl(ADD) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Stops watching <paramref name="fd"/> (before it is closed, so a reused descriptor is not confused).</summary>
    public void Remove(nint fd)
    {
        Span<byte> entry = stackalloc byte[16];
        entry.Clear();
        _ = epoll_ctl(_fd, CtlDelete, (int)fd, ref MemoryMarshal.GetReference(entry));
    }

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> for events; returns how many are ready (0 on EINTR).</summary>
    public int Wait(int timeoutMilliseconds)
    {
        var count = epoll_wait(_fd, ref MemoryMarshal.GetArrayDataReference(_events), _events.Length / EventSize, timeoutMilliseconds);
        return count < 0 ? 0 : count;
    }

    /// <summary>The tag of ready event <paramref name="index"/>.</summary>
    public int TagAt(int index) =>
        (int)BinaryPrimitives.ReadUInt64LittleEndian(_events.AsSpan((index * EventSize) + DataOffset));

    /// <summary>The event bits of ready event <paramref name="index"/>.</summary>
    public uint EventsAt(int index) => BinaryPrimitives.ReadUInt32LittleEndian(_events.AsSpan(index * EventSize));

    public void Dispose() => _ = close(_fd);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, ref byte evt);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, ref byte events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
