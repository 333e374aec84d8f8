using System.Runtime.InteropServices;
using Switchboard.Endpoints;

namespace Switchboard.Transport.Internal;

/// <summary>
/// What a descriptor handed to this process is, asked of the kernel before anything takes ownership of it: a
/// descriptor that is not a socket must be left open and untouched, and wrapping it in a <see cref="System.Net.Sockets.Socket"/>
/// would close it.
/// </summary>
internal static partial class InheritedDescriptor
{
    private const int SolSocket = 1;
    private const int SoType = 3;
    private const int SoAcceptConn = 30;
    private const int SoDomain = 39;
    private const int FGetFd = 1;
    private const int FSetFd = 2;
    private const int FdCloexec = 1;
    private const int EBadF = 9;
    private const int ENotSock = 88;

    /// <summary>The socket kind of <paramref name="fd"/>, or a one-line reason it cannot be a listener.</summary>
    public static TransportKind? Inspect(int fd, out bool listening, out string? problem)
    {
        listening = false;
        if (GetInt(fd, SoType, out var type) is { } errno)
        {
            problem = errno switch
            {
                EBadF => "it is not open in this process",
                ENotSock => "it is not a socket",
                _ => $"getsockopt failed (errno {errno})",
            };
            return null;
        }

        _ = GetInt(fd, SoDomain, out var domain);
        _ = GetInt(fd, SoAcceptConn, out var acceptConn);
        listening = acceptConn != 0;
        const int afUnix = 1, afInet = 2, afInet6 = 10, sockStream = 1, sockDgram = 2;
        TransportKind? kind = (domain, type) switch
        {
            (afInet or afInet6, sockStream) => TransportKind.Tcp,
            (afInet or afInet6, sockDgram) => TransportKind.Udp,
            (afUnix, sockStream) => TransportKind.Unix,
            (afUnix, sockDgram) => TransportKind.UnixDatagram,
            _ => null,
        };
        problem = kind is null ? $"it is a socket of family {domain} and type {type}, not a TCP, UDP or Unix stream or datagram socket" : null;
        return kind;
    }

    /// <summary>
    /// Sets <c>FD_CLOEXEC</c>, as sd_listen_fds(3) does: a descriptor passed in without it would leak into every
    /// process this one starts. Returns false when the descriptor is not open.
    /// </summary>
    public static bool SetCloseOnExec(int fd)
    {
        var flags = fcntl(fd, FGetFd, 0);
        return flags >= 0 && ((flags & FdCloexec) != 0 || fcntl(fd, FSetFd, flags | FdCloexec) == 0);
    }

    /// <summary>True when <c>FD_CLOEXEC</c> is set on an open descriptor.</summary>
    public static bool IsCloseOnExec(int fd) => fcntl(fd, FGetFd, 0) is var flags && flags >= 0 && (flags & FdCloexec) != 0;

    private static int? GetInt(int fd, int option, out int value)
    {
        value = 0;
        var length = sizeof(int);
        return getsockopt(fd, SolSocket, option, ref value, ref length) == 0 ? null : Marshal.GetLastPInvokeError();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int option, ref int value, ref int length);

    // fcntl(2) is variadic; with integer arguments only, the fixed three-int signature is the same call on Linux's ABIs.
    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int command, int argument);
}
