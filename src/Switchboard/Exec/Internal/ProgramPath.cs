namespace Switchboard.Exec.Internal;

/// <summary>
/// Finds the program once, as execvp would (a name without a slash is looked up in <c>PATH</c>), and checks it can
/// be run, so a typo is one line at start-up rather than one per connection.
/// </summary>
internal static class ProgramPath
{
    /// <exception cref="ExecProgramException">Not found, not a regular file, or not executable by this user.</exception>
    public static string Resolve(string program)
    {
        if (program.Contains('/', StringComparison.Ordinal))
        {
            return Check(program, program);
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var directory in path.Split(':'))
        {
            var candidate = Path.Combine(directory.Length == 0 ? "." : directory, program);
            if (File.Exists(candidate) && ProcessCalls.Access(candidate, ProcessCalls.ExecuteOk) == 0)
            {
                return candidate;
            }
        }

        throw new ExecProgramException($"cannot run '{program}': not found in PATH");
    }

    private static string Check(string program, string path)
    {
        if (Directory.Exists(path))
        {
            throw new ExecProgramException($"cannot run '{program}': it is a directory");
        }

        if (!File.Exists(path))
        {
            throw new ExecProgramException($"cannot run '{program}': no such file");
        }

        if (ProcessCalls.Access(path, ProcessCalls.ExecuteOk) != 0)
        {
            throw new ExecProgramException($"cannot run '{program}': not executable (permission denied)");
        }

        return path;
    }
}
