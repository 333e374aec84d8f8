using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Creates a Unix socket bound to a file path with socket(2) and bind(2), then wraps the descriptor in a
/// <see cref="Socket"/>. <see cref="Socket.Bind"/> would record the path, and <see cref="Socket.Dispose()"/> would
/// then delete whatever the path names at that moment — a regular file put there, or a newer server's live socket —
/// before <see cref="OwnedSocketFile"/> could check the file is still ours. A socket wrapped from a handle knows its
/// address (getsockname) but not that it created a file, so it never unlinks it.
/// </summary>
internal static partial class UnixPathSocket
{
    private const int AfUnix = 1;
    private const int SockStream = 1;
    private const int SockDgram = 2;
    private const int SockCloexec = 0x80000;
    private const int AddressInUse = 98; // EADDRINUSE

    /// <summary>Creates and binds; throws <see cref="SocketException"/> (address in use) or <see cref="IOException"/>.</summary>
    public static Socket Bind(SocketType type, string path)
    {
        var fd = socket(AfUnix, (type == SocketType.Stream ? SockStream : SockDgram) | SockCloexec, 0);
        if (fd < 0)
        {
            throw new IOException(Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError()));
        }

        // struct sockaddr_un: sa_family_t (2 bytes), then the path, NUL-terminated (length checked at parse time).
        var pathBytes = Encoding.UTF8.GetBytes(path);
        var address = new byte[2 + pathBytes.Length + 1];
        BitConverter.TryWriteBytes(address, (ushort)AfUnix);
        pathBytes.CopyTo(address, 2);
        if (bind(fd, address, address.Length) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            _ = close(fd);
            throw errno == AddressInUse
                ? new SocketException((int)SocketError.AddressAlreadyInUse)
                : new IOException(Marshal.GetPInvokeErrorMessage(errno));
        }

        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte[] address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
