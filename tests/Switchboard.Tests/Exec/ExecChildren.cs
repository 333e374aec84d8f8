using System.Globalization;

namespace Switchboard.Tests.Exec;

/// <summary>This test process's children as /proc shows them: how many of a command, and how many are zombies.</summary>
internal static class ExecChildren
{
    public static int Count(string command, bool zombiesOnly = false)
    {
        var self = Environment.ProcessId;
        var count = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue; // gone meanwhile
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            var comm = stat[(open + 1)..close];
            var fields = stat[(close + 2)..].Split(' ');
            if (comm == command && int.Parse(fields[1], CultureInfo.InvariantCulture) == self && (!zombiesOnly || fields[0] == "Z"))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>True while the process exists at all (a zombie included).</summary>
    public static bool Exists(int pid) => Directory.Exists($"/proc/{pid}");
}
