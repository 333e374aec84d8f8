using Microsoft.Win32.SafeHandles;
using Switchboard.Cli.Hosting;

namespace Switchboard.Cli.Relay;

/// <summary>The process's own ends of a relay, and its one-line failure reports.</summary>
internal static class ConsoleStreams
{
    /// <summary>
    /// Stdin as raw bytes when piped; on a terminal, the line mode of <see cref="TerminalLineSource"/>; empty when it
    /// was closed at start (<c>&lt;&amp;-</c>).
    /// </summary>
    public static IStdinSource Stdin() =>
        StandardDescriptors.StdinClosed ? new StreamSource(Stream.Null)
        : Console.IsInputRedirected || OperatingSystem.IsWindows() ? new StreamSource(Console.OpenStandardInput())
        : new TerminalLineSource();

    /// <summary>
    /// Stdout as raw bytes, unbuffered: what the peer sends appears as it arrives, at the shell's file offset
    /// (<see cref="StandardOutputStream"/>). Not the console's stream, which drops writes to a closed pipe silently
    /// (a relay would then never end).
    /// </summary>
    public static Stream Stdout() =>
        OperatingSystem.IsWindows()
            ? new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0)
            : new StandardOutputStream();

    /// <summary>Prints one line on stderr and returns the network-error exit code (an outcome, such as an idle timeout; failures go to <see cref="CommandFailure"/>).</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"switchboard: {message}");
        return ExitCodes.NetworkError;
    }
}
