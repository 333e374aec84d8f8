using System.Net.Sockets;
using Switchboard.Cli.Bench;
using Switchboard.Cli.Parsing;
using Switchboard.Cli.Relay;
using Switchboard.Cli.Resolve;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Options;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Cli;

/// <summary>
/// The one table from a command's failure to what the user sees: one line on stderr, <c>switchboard: …</c>, and the
/// exit code (<see cref="ExitCodes"/>). Every command lets its failures reach <c>Program</c>, which reports them
/// here; a command that knows the endpoint (a socket error mid-exchange) reports with it. An exception not in the
/// table is a bug, left to surface with its stack trace.
/// </summary>
internal static class CommandFailure
{
    /// <summary>Whether <paramref name="e"/> is a failure the table knows.</summary>
    public static bool Knows(Exception e) => Describe(e) is not null;

    /// <summary>
    /// Writes the line for <paramref name="e"/> (naming <paramref name="endpoint"/> for a socket error, after
    /// <paramref name="peer"/>'s address when given) and returns the exit code.
    /// </summary>
    public static int Report(Exception e, EndpointUri? endpoint = null, string? peer = null)
    {
        var (code, message) = Describe(e, endpoint) ?? throw new InvalidOperationException("not a known failure", e);
        if (message is not null)
        {
            Console.Error.WriteLine(peer is null ? $"switchboard: {message}" : $"switchboard: {peer}: {message}");
        }

        return code;
    }

    /// <summary>The exit code and the line (without <c>switchboard: </c>; null for none) for <paramref name="e"/>; null if the table does not know it.</summary>
    public static (int Code, string? Message)? Describe(Exception e, EndpointUri? endpoint = null) => e switch
    {
        // The reader of our output is done (| head): so are we, quietly.
        StdoutClosedException => (ExitCodes.Success, null),

        // Usage: the command line (or the input it was given) cannot work.
        OptionOutOfRangeException option => (ExitCodes.UsageError, InFlags(option)),
        Switchboard.Hosting.SwitchboardConfigurationException => (ExitCodes.UsageError, e.Message), // names the --config key
        UsageException or EndpointFormatException or InvalidDataException or ArgumentException or Exec.ExecProgramException or PlatformNotSupportedException => (ExitCodes.UsageError, e.Message),

        // Network: the command line was fine, the network or the system said no.
        ListenerBindException or ServerStartException or Security.TlsCertificateException or ClientConnectException or LookupFailedException
            or BenchConnectException
            => (ExitCodes.NetworkError, e.Message),
        ConnectionException lost => (ExitCodes.NetworkError, endpoint is null ? lost.Message : InWords(endpoint, lost)),
        SocketException socket => (ExitCodes.NetworkError, endpoint is null ? socket.Message : InWords(endpoint, socket)),
        _ => null,
    };

    /// <summary>The library names its option (<c>MaxConnections</c>); the user typed a flag (<c>--max-connections</c>).</summary>
    private static string InFlags(OptionOutOfRangeException e) =>
        OptionFlags.TryFor(e.OptionName, out var flag) ? $"{flag} {e.Rule}" : e.Message;

    /// <summary>A connection lost during an exchange (the library's exception), in one line naming the endpoint.</summary>
    private static string InWords(EndpointUri endpoint, ConnectionException e) => e switch
    {
        ConnectionResetException => $"connection to {endpoint} reset by peer",
        ConnectionAbortedException => $"connection to {endpoint} aborted",
        ConnectionTimedOutException => $"connection to {endpoint} timed out",
        { InnerException: SocketException s } => InWords(endpoint, s),
        _ => $"connection to {endpoint}: {e.Message}",
    };

    /// <summary>A socket error during an exchange, in one line naming the endpoint.</summary>
    private static string InWords(EndpointUri endpoint, SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionReset => $"connection to {endpoint} reset by peer",
        SocketError.ConnectionAborted or SocketError.Shutdown => $"connection to {endpoint} aborted",
        SocketError.TimedOut => $"connection to {endpoint} timed out",
        _ => $"connection to {endpoint}: {e.Message}",
    };
}
