using System.Runtime.InteropServices;

namespace Switchboard.Exec.Internal;

/// <summary>A child could not be started (posix_spawn or socketpair failed); the message is the errno's text.</summary>
internal sealed class ExecSpawnException : Exception
{
    public ExecSpawnException(string what, int errno)
        : base($"{what}: {Marshal.GetPInvokeErrorMessage(errno)}")
    {
        Errno = errno;
    }

    public ExecSpawnException()
    {
    }

    public ExecSpawnException(string message)
        : base(message)
    {
    }

    public ExecSpawnException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public int Errno { get; }
}
