using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// recv(2) and send(2) straight on the descriptor, for the event loops' hot path on Linux. The loop owns its sockets
/// (every call and every close runs on its thread), so the descriptor cannot be closed under a call, and the
/// bookkeeping <see cref="Socket.Receive(Span{byte}, SocketFlags, out SocketError)"/> adds around the same system
/// call (handle reference counts, state checks, telemetry) was a sixth of the loop's own CPU per echoed message.
/// </summary>
internal static partial class LinuxSocketCalls
{
    private const int DontWait = 0x40;   // MSG_DONTWAIT
    private const int NoSignal = 0x4000; // MSG_NOSIGNAL: a closed peer is an error, never SIGPIPE

    /// <summary>Bytes received (0 at end of stream), or a negative errno.</summary>
    public static int Receive(nint fd, Span<byte> buffer)
    {
        while (true)
        {
            var n = recv((int)fd, ref MemoryMarshal.GetReference(buffer), buffer.Length, DontWait);
            if (n >= 0)
            {
                return (int)n;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.Interrupted)
            {
                return -errno;
            }
        }
    }

    /// <summary>Bytes sent, or a negative errno.</summary>
    public static int Send(nint fd, ReadOnlySpan<byte> buffer)
    {
        while (true)
        {
            var n = send((int)fd, ref MemoryMarshal.GetReference(buffer), buffer.Length, DontWait | NoSignal);
            if (n >= 0)
            {
                return (int)n;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.Interrupted)
            {
                return -errno;
            }
        }
    }

    /// <summary>The <see cref="SocketError"/> .NET reports for a Linux errno of a stream receive or send.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        Errno.WouldBlock => SocketError.WouldBlock,
        Errno.ConnectionReset => SocketError.ConnectionReset,
        Errno.BrokenPipe => SocketError.Shutdown,
        Errno.ConnectionAborted => SocketError.ConnectionAborted,
        Errno.NotConnected => SocketError.NotConnected,
        Errno.TimedOut => SocketError.TimedOut,
        Errno.HostUnreachable => SocketError.HostUnreachable,
        Errno.NetworkUnreachable => SocketError.NetworkUnreachable,
        Errno.NoBufferSpace or Errno.OutOfMemory => SocketError.NoBufferSpaceAvailable,
        Errno.BadDescriptor => SocketError.OperationAborted,
        _ => SocketError.SocketError,
    };

    private static class Errno
    {
        public const int Interrupted = 4;        // EINTR
        public const int BadDescriptor = 9;      // EBADF
        public const int WouldBlock = 11;        // EAGAIN, EWOULDBLOCK
        public const int OutOfMemory = 12;       // ENOMEM
        public const int BrokenPipe = 32;        // EPIPE
        public const int NetworkUnreachable = 101;
        public const int ConnectionAborted = 103;
        public const int ConnectionReset = 104;
        public const int NoBufferSpace = 105;
        public const int NotConnected = 107;
        public const int TimedOut = 110;
        public const int HostUnreachable = 113;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, ref byte buffer, nint length, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, ref byte buffer, nint length, int flags);
}
