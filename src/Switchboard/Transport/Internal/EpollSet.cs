using System.Buffers.Binary;
using System.Runtime.InteropServices;

// Compiled into two assemblies: the library's select loop (EpollBackend) and the tool's bench load generator,
// which drives its client sockets with it for the same reason but must need only the library's public surface.
// Each copy gets a namespace of its own assembly, so the tests (which see the internals of both) never find two
// types of one name. See docs/architecture.md, "The public surface".
#if SWITCHBOARD_CLI
namespace Switchboard.Cli.Bench;
#else
namespace Switchboard.Transport.Internal;
#endif

/// <summary>
/// Linux epoll: sockets are registered once, edge-triggered, tagged with a slot number, and a wait returns only
/// the ready ones, so a wake-up costs O(ready) rather than O(registered).
/// </summary>
internal sealed partial class EpollSet : IDisposable
{
    public const uint In = 0x001;
    public const uint Out = 0x004;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint ReadHangUp = 0x2000;
    public const uint EdgeTriggered = 1u << 31;
    private const int CtlAdd = 1;
    private const int CtlDelete = 2;
    private const int CtlModify = 3;

    // struct epoll_event is packed on x86-64 (12 bytes, data at offset 4) and naturally aligned elsewhere (16 bytes,
    // data at offset 8), so entries are read and written as bytes rather than through one struct layout.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _fd;
    private readonly byte[] _events;

    public EpollSet(int capacity = 512)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("epoll is Linux only");
        }

        _fd = epoll_create1(0x80000); // EPOLL_CLOEXEC
        if (_fd < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        }

        _events = new byte[capacity * EventSize];
    }

    /// <summary>Watches <paramref name="fd"/> for input and output, edge-triggered; false when the descriptor is gone.</summary>
    public bool Add(nint fd, int slot) => Add(fd, In | Out | ReadHangUp | EdgeTriggered, slot);

    /// <summary>Watches <paramref name="fd"/> for <paramref name="events"/>, tagged with <paramref name="slot"/>; false when the descriptor is gone.</summary>
    public bool Add(nint fd, uint events, int slot) => Control(CtlAdd, fd, events, slot);

    /// <summary>Changes what <paramref name="fd"/> is watched for; false when the descriptor is gone.</summary>
    public bool Modify(nint fd, uint events, int slot) => Control(CtlModify, fd, events, slot);

    /// <summary>Stops watching <paramref name="fd"/>; call before it is closed so a reused descriptor is not confused.</summary>
    public void Remove(nint fd) => _ = Control(CtlDelete, fd, 0, 0);

    /// <summary>Waits up to <paramref name="timeoutMilliseconds"/> (-1: forever); the number of ready entries (0 on EINTR).</summary>
    public int Wait(int timeoutMilliseconds)
    {
        var count = epoll_wait(_fd, ref MemoryMarshal.GetArrayDataReference(_events), _events.Length / EventSize, timeoutMilliseconds);
        return count < 0 ? 0 : count;
    }

    public int SlotAt(int index) => (int)BinaryPrimitives.ReadUInt64LittleEndian(_events.AsSpan((index * EventSize) + DataOffset));

    public uint EventsAt(int index) => BinaryPrimitives.ReadUInt32LittleEndian(_events.AsSpan(index * EventSize));

    public void Dispose() => _ = close(_fd);

    private bool Control(int operation, nint fd, uint events, int slot)
    {
        Span<byte> entry = stackalloc byte[16];
        entry.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(entry, events);
        BinaryPrimitives.WriteUInt64LittleEndian(entry[DataOffset..], (ulong)slot);
        return epoll_ctl(_fd, operation, (int)fd, ref MemoryMarshal.GetReference(entry)) == 0;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, ref byte evt);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, ref byte events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
