namespace Switchboard.Exec;

/// <summary>
/// The program for <see cref="ExecService"/> cannot be run at all: not found in <c>PATH</c>, not a file, not
/// executable. Thrown once, by the constructor, so a server never starts with a program that no connection could
/// get; the message is one line naming the program.
/// </summary>
public sealed class ExecProgramException : Exception
{
    /// <summary>Creates the exception with its one-line message.</summary>
    public ExecProgramException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with no message.</summary>
    public ExecProgramException()
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public ExecProgramException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
