using System.Runtime.InteropServices;

namespace Switchboard.Exec.Internal;

/// <summary>
/// The libc calls a child per connection needs and <see cref="System.Diagnostics.Process"/> cannot make: spawn with
/// descriptors of our choosing on 0–2 (a socket, for direct mode), its own process group, signals reset; wait for one
/// pid; signal a group. posix_spawn, not fork: glibc spawns with <c>clone(CLONE_VM | CLONE_VFORK)</c>, so the cost
/// does not grow with the server's memory, and a failed exec is reported as its errno.
/// </summary>
internal static unsafe partial class ProcessCalls
{
    // glibc's and macOS's posix_spawn flag values agree on these.
    public const short SpawnSetProcessGroup = 0x02; // POSIX_SPAWN_SETPGROUP
    public const short SpawnSetSignalDefaults = 0x04; // POSIX_SPAWN_SETSIGDEF
    public const short SpawnSetSignalMask = 0x08; // POSIX_SPAWN_SETSIGMASK

    public const int SigKill = 9;
    public const int SigTerm = 15;

    public const int NoHang = 1; // WNOHANG

    public const int AddressFamilyUnix = 1; // AF_UNIX
    public const int SocketStream = 1; // SOCK_STREAM
    public const int SocketCloseOnExec = 0x80000; // SOCK_CLOEXEC (Linux)

    public const int OpenWriteOnly = 1; // O_WRONLY
    public const int ExecuteOk = 1; // X_OK

    public const int GetStatusFlags = 3; // F_GETFL
    public const int SetStatusFlags = 4; // F_SETFL
    public const int NonBlocking = 0x800; // O_NONBLOCK (Linux)

    public static class Errno
    {
        public const int Interrupted = 4; // EINTR
        public const int NoSuchProcess = 3; // ESRCH
        public const int NoChild = 10; // ECHILD
    }

    // The opaque types' sizes differ by libc (glibc: file actions 80 bytes, attributes 336, sigset_t 128); these
    // buffers are larger than any of them.
    public const int FileActionsSize = 256;
    public const int AttributesSize = 512;
    public const int SignalSetSize = 128;

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    public static partial int Spawn(out int pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int fd, int newFd);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    public static partial int FileActionsAddOpen(void* fileActions, int fd, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    public static partial int AttributesInit(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttributesDestroy(void* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttributesSetFlags(void* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int AttributesSetProcessGroup(void* attributes, int processGroup);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttributesSetSignalMask(void* attributes, void* signalSet);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttributesSetSignalDefaults(void* attributes, void* signalSet);

    [LibraryImport("libc", EntryPoint = "sigemptyset")]
    public static partial int SignalSetEmpty(void* signalSet);

    [LibraryImport("libc", EntryPoint = "sigfillset")]
    public static partial int SignalSetFill(void* signalSet);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "socketpair", SetLastError = true)]
    public static partial int SocketPair(int domain, int type, int protocol, int* fds);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Access(string path, int mode);

    /// <summary>The exit code of a <c>waitpid</c> status, or -1 when a signal ended the process.</summary>
    public static int ExitCodeOf(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1;

    /// <summary>The signal that ended the process, or 0 when it exited.</summary>
    public static int SignalOf(int status) => (status & 0x7f) is var signal and not 0 and not 0x7f ? signal : 0;
}
