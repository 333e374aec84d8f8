using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Switchboard.Exec.Internal;

/// <summary>
/// A child's stderr into the server's log, a line at a time with the connection id and pid (<see cref="ExecStderr.Log"/>).
/// A line longer than <see cref="LongestLine"/> is logged in pieces of that size; a last line without its newline is
/// logged at end of stream. Read to the end always: a child blocked on a full stderr would hang.
/// </summary>
internal static class StderrLog
{
    public const int LongestLine = 4096;

    public static async Task PumpAsync(Socket stderr, ILogger logger, long connectionId, int pid)
    {
        var buffer = new byte[LongestLine];
        var filled = 0;
        try
        {
            while (true)
            {
                var n = await stderr.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                filled += n;
                var start = 0;
                int newline;
                while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
                {
                    Log(logger, connectionId, pid, buffer.AsSpan(start, newline - start));
                    start = newline + 1;
                }

                if (start == 0 && filled == buffer.Length)
                {
                    Log(logger, connectionId, pid, buffer); // over-long: this piece now, the rest next
                    filled = 0;
                }
                else if (start > 0)
                {
                    Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
                    filled -= start;
                }
            }
        }
        catch (SocketException)
        {
            // The child's end went away abruptly: what was read is logged below.
        }

        if (filled > 0)
        {
            Log(logger, connectionId, pid, buffer.AsSpan(0, filled));
        }
    }

    private static void Log(ILogger logger, long connectionId, int pid, ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            ExecLog.Stderr(logger, connectionId, pid, Encoding.UTF8.GetString(line));
        }
    }
}
