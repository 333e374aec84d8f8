using System.Net;
using System.Net.Sockets;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Systemd;

/// <summary>
/// <c>switchboard serve …</c> started by Debian's <c>systemd-socket-activate</c>, the real peer of the protocol: it
/// binds the sockets, waits for the first connection or datagram, and execs the tool with them from descriptor 3
/// on and <c>LISTEN_PID</c>, <c>LISTEN_FDS</c>, <c>LISTEN_FDNAMES</c> set (exec keeps the process id, so
/// <see cref="ChildProcess.Id"/> is the tool's).
/// </summary>
public sealed class ActivatedTool : ChildProcess
{
    private const string Activator = "/usr/bin/systemd-socket-activate";

    private ActivatedTool(IEnumerable<string> activatorArguments, IEnumerable<string> toolArguments)
        : base(Activator, [.. activatorArguments, "dotnet", CliProcess.ToolPath, .. toolArguments])
    {
    }

    /// <summary>
    /// Starts the activator with <paramref name="activatorArguments"/> (its <c>-l</c>, <c>--datagram</c>,
    /// <c>--fdname</c>, <c>-E</c>) and waits until it says it listens on all <paramref name="sockets"/>.
    /// </summary>
    public static Task<ActivatedTool> StartAsync(int sockets, string[] activatorArguments, params string[] serveArguments) =>
        StartToolAsync(sockets, activatorArguments, ["serve", .. serveArguments]);

    /// <summary>As <see cref="StartAsync"/>, with the tool's whole command line (a unit's ExecStart less the binary).</summary>
    public static async Task<ActivatedTool> StartToolAsync(int sockets, string[] activatorArguments, string[] toolArguments)
    {
        if (!File.Exists(Activator))
        {
            throw new InvalidOperationException($"{Activator} is not installed (Debian package systemd; .ci/run installs it)");
        }

        var tool = new ActivatedTool(activatorArguments, toolArguments);
        var ready = await Eventually.TrueAsync(() => CountListening(tool.StandardError) >= sockets || tool.HasExited, TestTimeouts.Io * 3);
        if (!ready || CountListening(tool.StandardError) < sockets)
        {
            var stderr = tool.StandardError;
            await tool.DisposeAsync();
            throw new InvalidOperationException($"systemd-socket-activate did not listen: {stderr}");
        }

        return tool;
    }

    /// <summary>
    /// A port that was free a moment ago: the activator cannot bind port 0 ("Invalid argument"), so the kernel's
    /// ephemeral choice is read back from a socket of our own and released for it.
    /// </summary>
    public static int FreePort(SocketType type)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>The tool's stdout line that says it listens, once it has started.</summary>
    public Task<string?> ListeningLineAsync(string prefix) =>
        WaitForLineAsync(l => l.StartsWith("listening on " + prefix, StringComparison.Ordinal), TestTimeouts.Io * 3);

    private static int CountListening(string stderr) =>
        stderr.Split('\n').Count(l => l.StartsWith("Listening on ", StringComparison.Ordinal));
}
