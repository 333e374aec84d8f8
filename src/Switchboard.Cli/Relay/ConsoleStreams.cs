using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Switchboard.Cli.Hosting;
using Switchboard.Endpoints;
using Switchboard.Transport;

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

    /// <summary>Prints one line on stderr and returns the network-error exit code.</summary>
    public static int Fail(string message)
    {
        Console.Error.WriteLine($"switchboard: {message}");
        return ExitCodes.NetworkError;
    }

    /// <summary>A lost connection during the exchange, in one line naming the endpoint.</summary>
    public static string Describe(EndpointUri endpoint, ConnectionException e) => e switch
    {
        ConnectionResetException => $"connection to {endpoint} reset by peer",
        ConnectionAbortedException => $"connection to {endpoint} aborted",
        ConnectionTimedOutException => $"connection to {endpoint} timed out",
        { InnerException: SocketException s } => Describe(endpoint, s),
        _ => $"connection to {endpoint}: {e.Message}",
    };

    /// <summary>A socket error during the exchange, in one line naming the endpoint.</summary>
    public static string Describe(EndpointUri endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionReset => $"connection to {endpoint} reset by peer",
        SocketError.ConnectionAborted or SocketError.Shutdown => $"connection to {endpoint} aborted",
        SocketError.TimedOut => $"connection to {endpoint} timed out",
        _ => $"connection to {endpoint}: {e.Message}",
    };
}
