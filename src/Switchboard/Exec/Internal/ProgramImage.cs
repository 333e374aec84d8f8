using System.Runtime.InteropServices;
using System.Text;

namespace Switchboard.Exec.Internal;

/// <summary>
/// The program to start for each connection, in the form posix_spawn takes, built once: its path, argv and the
/// server's environment as native UTF-8 strings. Each spawn adds only the connection's own variables
/// (<see cref="ChildEnvironment"/>) and the descriptors for 0–2.
/// </summary>
internal sealed unsafe class ProgramImage : IDisposable
{
    private readonly byte* _path;
    private readonly byte** _argv;
    private readonly nint[] _environment;
    private readonly int _argc;
    private int _disposed;

    public ProgramImage(string path, IReadOnlyList<string> argv, IEnumerable<string> environment)
    {
        _path = Utf8(path);
        _argc = argv.Count;
        _argv = (byte**)NativeMemory.Alloc((nuint)(argv.Count + 1), (nuint)sizeof(byte*));
        for (var i = 0; i < argv.Count; i++)
        {
            _argv[i] = Utf8(argv[i]);
        }

        _argv[argv.Count] = null;
        _environment = [.. environment.Select(e => (nint)Utf8(e))];
    }

    /// <summary>
    /// Starts the program with <paramref name="stdin"/>, <paramref name="stdout"/> and <paramref name="stderr"/>
    /// (-1: /dev/null) as its 0, 1 and 2, in a process group of its own, every signal at its default (the runtime
    /// ignores SIGPIPE, and an ignored signal survives exec: a child would otherwise not die writing to a gone
    /// reader) and none blocked. Returns the pid.
    /// </summary>
    /// <exception cref="ExecSpawnException">posix_spawn failed (the program is gone, not executable, out of processes).</exception>
    public int Spawn(IReadOnlyList<string> connectionEnvironment, int stdin, int stdout, int stderr)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var actions = stackalloc byte[ProcessCalls.FileActionsSize];
        var attributes = stackalloc byte[ProcessCalls.AttributesSize];
        var signals = stackalloc byte[ProcessCalls.SignalSetSize];
        var count = _environment.Length + connectionEnvironment.Count;
        var envp = (byte**)NativeMemory.AllocZeroed((nuint)(count + 1), (nuint)sizeof(byte*));
        var devNull = stackalloc byte[] { (byte)'/', (byte)'d', (byte)'e', (byte)'v', (byte)'/', (byte)'n', (byte)'u', (byte)'l', (byte)'l', 0 };
        Check(ProcessCalls.FileActionsInit(actions), "posix_spawn_file_actions_init");
        if (ProcessCalls.AttributesInit(attributes) is var attributesError and not 0)
        {
            _ = ProcessCalls.FileActionsDestroy(actions);
            NativeMemory.Free(envp);
            throw new ExecSpawnException("posix_spawnattr_init", attributesError);
        }

        try
        {
            for (var i = 0; i < _environment.Length; i++)
            {
                envp[i] = (byte*)_environment[i];
            }

            for (var i = 0; i < connectionEnvironment.Count; i++)
            {
                envp[_environment.Length + i] = Utf8(connectionEnvironment[i]);
            }

            envp[count] = null;
            Check(ProcessCalls.FileActionsAddDup2(actions, stdin, 0), "FileActionsAddDup2");
            Check(ProcessCalls.FileActionsAddDup2(actions, stdout, 1), "FileActionsAddDup2");
            if (stderr >= 0)
            {
                Check(ProcessCalls.FileActionsAddDup2(actions, stderr, 2), "FileActionsAddDup2");
            }
            else
            {
                Check(ProcessCalls.FileActionsAddOpen(actions, 2, devNull, ProcessCalls.OpenWriteOnly, 0), "FileActionsAddOpen");
            }

            Check(ProcessCalls.AttributesSetFlags(attributes, ProcessCalls.SpawnSetProcessGroup | ProcessCalls.SpawnSetSignalDefaults | ProcessCalls.SpawnSetSignalMask), "AttributesSetFlags");
            Check(ProcessCalls.AttributesSetProcessGroup(attributes, 0), "AttributesSetProcessGroup");
            Check(ProcessCalls.SignalSetEmpty(signals), "SignalSetEmpty");
            Check(ProcessCalls.AttributesSetSignalMask(attributes, signals), "AttributesSetSignalMask");
            Check(ProcessCalls.SignalSetFill(signals), "SignalSetFill");
            Check(ProcessCalls.AttributesSetSignalDefaults(attributes, signals), "AttributesSetSignalDefaults");

            var error = ProcessCalls.Spawn(out var pid, _path, actions, attributes, _argv, envp);
            if (error != 0)
            {
                throw new ExecSpawnException("posix_spawn", error);
            }

            return pid;
        }
        finally
        {
            _ = ProcessCalls.FileActionsDestroy(actions);
            _ = ProcessCalls.AttributesDestroy(attributes);
            for (var i = _environment.Length; i < count; i++)
            {
                NativeMemory.Free(envp[i]);
            }

            NativeMemory.Free(envp);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // Only when no spawn can run any more: the owner disposes it after its server has stopped.
        NativeMemory.Free(_path);
        for (var i = 0; i < _argc; i++)
        {
            NativeMemory.Free(_argv[i]);
        }

        NativeMemory.Free(_argv);
        foreach (var entry in _environment)
        {
            NativeMemory.Free((void*)entry);
        }
    }

    private static void Check(int error, string call)
    {
        // The file-action and attribute calls return the error (ENOMEM, EINVAL); the sigset calls -1 with errno.
        if (error != 0)
        {
            throw new ExecSpawnException(call, error > 0 ? error : Marshal.GetLastPInvokeError());
        }
    }

    private static byte* Utf8(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var native = (byte*)NativeMemory.Alloc((nuint)(length + 1));
        Encoding.UTF8.GetBytes(text, new Span<byte>(native, length));
        native[length] = 0;
        return native;
    }
}
