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
    /// <summary>
    /// Creates and binds; throws <see cref="SocketException"/> with the error .NET's own bind would report, so
    /// <see cref="BindErrorText"/> words it the same way (a missing directory, a directory not writable, no descriptors).
    /// </summary>
    public static Socket Bind(SocketType type, string path)
    {
        var fd = socket(AfUnix, (type == SocketType.Stream ? SockStream : SockDgram) | SockCloexec, 0);
        if (fd < 0)
        {
            throw new SocketException((int)ToSocketError(Marshal.GetLastPInvokeError()));
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
            throw new SocketException((int)ToSocketError(errno));
        }

        return new Socket(new SafeSocketHandle(fd, ownsHandle: true));
    }

    /// <summary>The errno values bind(2) and socket(2) give for a path, as .NET maps them on Linux.</summary>
    private static SocketError ToSocketError(int errno) => errno switch
    {
        98 => SocketError.AddressAlreadyInUse, // EADDRINUSE
        13 or 1 => SocketError.AccessDenied, // EACCES, EPERM
        2 or 20 => SocketError.AddressNotAvailable, // ENOENT, ENOTDIR: .NET says "address not available" here too
        23 or 24 => SocketError.TooManyOpenSockets, // ENFILE, EMFILE
        105 => SocketError.NoBufferSpaceAvailable, // ENOBUFS
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int bind(int fd, byte[] address, int length);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);
}
