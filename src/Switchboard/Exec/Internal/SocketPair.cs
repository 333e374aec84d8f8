using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Switchboard.Exec.Internal;

/// <summary>
/// A Unix stream socket pair joining the server to one of a child's standard descriptors: our end becomes a
/// <see cref="Socket"/> with real asynchronous I/O (an anonymous pipe has none in .NET: its async calls block a
/// thread-pool thread each, which 200 children would starve), the child's end is its stdin, stdout or stderr.
/// socat's EXEC uses a socket pair by default too. One pair per direction, so each direction ends on its own: a
/// child that closes stdout but still reads stdin sends us end of stream at once. Both ends are close-on-exec,
/// so a child spawned at the same moment for another connection does not inherit them (and keep our EOF from
/// coming); posix_spawn's dup2 onto 0–2 clears the flag on the child's copy only.
/// </summary>
internal static unsafe class SocketPair
{
    /// <summary>Makes a pair; <paramref name="ours"/> is wrapped, <paramref name="theirs"/> is a raw descriptor to hand over and close.</summary>
    public static void Create(out Socket ours, out int theirs)
    {
        var fds = stackalloc int[2];
        if (ProcessCalls.SocketPair(ProcessCalls.AddressFamilyUnix, ProcessCalls.SocketStream | ProcessCalls.SocketCloseOnExec, 0, fds) != 0)
        {
            throw new ExecSpawnException("socketpair", Marshal.GetLastPInvokeError());
        }

        try
        {
            ours = new Socket(new SafeSocketHandle(fds[0], ownsHandle: true));
        }
        catch
        {
            ProcessCalls.Close(fds[0]);
            ProcessCalls.Close(fds[1]);
            throw;
        }

        theirs = fds[1];
    }
}
