using System.Runtime.InteropServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// recvmmsg(2) and sendmmsg(2): many datagrams a system call, as <c>udp_echo</c> does. The message headers live in
/// pinned arrays (<see cref="DatagramBatch"/>), so a call marshals nothing and allocates nothing.
/// </summary>
internal static unsafe partial class LinuxSocketCalls
{
    /// <summary>MSG_TRUNC in a received message's flags: the datagram was longer than its buffer.</summary>
    public const int MessageTruncated = 0x20;

    /// <summary>
    /// True where the batched calls and the header layout below hold: Linux, 64-bit (x64 and arm64 lay out
    /// <c>struct mmsghdr</c> alike; 32-bit Linux does not, and keeps the managed path).
    /// </summary>
    public static bool SupportsMessageBatches => OperatingSystem.IsLinux() && IntPtr.Size == 8;

    /// <summary>Datagrams received into <paramref name="messages"/> (at least one), or a negative errno (EAGAIN: none queued).</summary>
    public static int ReceiveMessages(nint fd, MessageEntry* messages, int count)
    {
        while (true)
        {
            var n = recvmmsg((int)fd, messages, (uint)count, DontWait, null);
            if (n >= 0)
            {
                return n;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.Interrupted)
            {
                return -errno;
            }
        }
    }

    /// <summary>
    /// Messages sent from the start of <paramref name="messages"/>, or a negative errno for the first of them (the
    /// kernel reports an error only when it sent none; the caller decides what becomes of that one and goes on).
    /// </summary>
    public static int SendMessages(nint fd, MessageEntry* messages, int count)
    {
        while (true)
        {
            var n = sendmmsg((int)fd, messages, (uint)count, DontWait | NoSignal);
            if (n >= 0)
            {
                return n;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.Interrupted)
            {
                return -errno;
            }
        }
    }

    /// <summary>True for EAGAIN: nothing queued to receive, or no room to send.</summary>
    public static bool IsWouldBlock(int errno) => errno == Errno.WouldBlock;

    [LibraryImport("libc", SetLastError = true)]
    private static partial int recvmmsg(int fd, MessageEntry* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int sendmmsg(int fd, MessageEntry* messages, uint count, int flags);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>
    /// <c>struct mmsghdr</c> on 64-bit Linux: a <c>struct msghdr</c> (56 bytes, padded after <c>msg_namelen</c> and
    /// <c>msg_flags</c>), then <c>msg_len</c>, the bytes the call moved for it. Offsets spelled out: a flattened
    /// sequential struct would put <c>msg_len</c> in <c>msghdr</c>'s tail padding.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    internal struct MessageEntry
    {
        [FieldOffset(0)]
        public byte* Name;
        [FieldOffset(8)]
        public uint NameLength;
        [FieldOffset(16)]
        public IoVector* Vectors;
        [FieldOffset(24)]
        public nuint VectorCount;
        [FieldOffset(32)]
        public void* Control;
        [FieldOffset(40)]
        public nuint ControlLength;
        [FieldOffset(48)]
        public int Flags;
        [FieldOffset(56)]
        public uint Length;
    }
}
