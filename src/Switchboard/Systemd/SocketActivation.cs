using System.Globalization;
using Switchboard.Endpoints;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Systemd;

/// <summary>
/// systemd's socket activation protocol (sd_listen_fds(3)): the service manager binds the sockets of a
/// <c>.socket</c> unit and starts the service with them open from descriptor 3 on, saying so in <c>LISTEN_PID</c>
/// (this process), <c>LISTEN_FDS</c> (how many) and <c>LISTEN_FDNAMES</c> (their names, colon-separated). Read once
/// per process, at the first use of <see cref="Passed"/>: the three variables are then removed from the environment
/// (so a child started later does not take the descriptors for its own) and the descriptors made close-on-exec, as
/// sd_listen_fds(3) does when asked to unset the environment. A server adopts them through
/// <c>ServerOptions.InheritedListeners</c>.
/// </summary>
public static class SocketActivation
{
    /// <summary>The first descriptor systemd passes (<c>SD_LISTEN_FDS_START</c>).</summary>
    public const int FirstDescriptor = 3;

    private static readonly Lazy<IReadOnlyList<PassedDescriptor>> PassedOnce = new(TakeFromEnvironment);

    /// <summary>
    /// The descriptors systemd passed to this process, in order; empty when there are none or when
    /// <c>LISTEN_PID</c> names another process (the variables were inherited, not meant for us).
    /// </summary>
    public static IReadOnlyList<PassedDescriptor> Passed => PassedOnce.Value;

    /// <summary>
    /// The descriptor numbers <paramref name="uri"/> names: <c>fd://N</c> names N whether or not systemd passed it
    /// (a parent may leave a socket open without the protocol); <c>systemd:NAME</c> every passed descriptor of that
    /// name; <c>systemd:</c> every one passed. Throws <see cref="ListenerBindException"/> with one line when a
    /// <c>systemd:</c> URI names nothing that was passed.
    /// </summary>
    public static IReadOnlyList<int> Resolve(ActivationUri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.Descriptor is { } fd ? [fd] : Resolve(uri, Passed); // fd://N reads no environment
    }

    /// <summary>As <see cref="Resolve(ActivationUri)"/>, over a given list rather than this process's.</summary>
    public static IReadOnlyList<int> Resolve(ActivationUri uri, IReadOnlyList<PassedDescriptor> passed)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(passed);
        if (uri.Descriptor is { } fd)
        {
            return [fd];
        }

        if (passed.Count == 0)
        {
            throw new ListenerBindException(
                $"cannot listen on {uri}: systemd passed no descriptors (LISTEN_FDS and LISTEN_PID do not name this process)");
        }

        var named = uri.IsEveryPassedDescriptor ? passed : passed.Where(p => p.Name == uri.Name).ToList();
        if (named.Count == 0)
        {
            var names = string.Join(", ", passed.Select(p => p.Name).Distinct());
            throw new ListenerBindException($"cannot listen on {uri}: systemd passed no descriptor named '{uri.Name}' (names passed: {names})");
        }

        return [.. named.Select(p => p.Descriptor)];
    }

    /// <summary>
    /// Parses the three variables as sd_listen_fds_with_names(3) does. Pure, for tests and for callers with their own
    /// environment; <see cref="Passed"/> is this over the process's environment.
    /// </summary>
    public static IReadOnlyList<PassedDescriptor> Parse(string? listenPid, string? listenFds, string? listenFdNames, int processId)
    {
        if (!int.TryParse(listenPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId)
        {
            return [];
        }

        if (!int.TryParse(listenFds, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            return [];
        }

        // A name list of the wrong length is ignored, as systemd's own parser would fail it: "unknown" for each.
        var names = listenFdNames?.Split(':');
        if (names is null || names.Length != count)
        {
            names = [.. Enumerable.Repeat("unknown", count)];
        }

        return [.. Enumerable.Range(0, count).Select(i => new PassedDescriptor(FirstDescriptor + i, names[i]))];
    }

    internal static IReadOnlyList<PassedDescriptor> TakeFromEnvironment()
    {
        var passed = Parse(
            Environment.GetEnvironmentVariable("LISTEN_PID"),
            Environment.GetEnvironmentVariable("LISTEN_FDS"),
            Environment.GetEnvironmentVariable("LISTEN_FDNAMES"),
            Environment.ProcessId);

        // Unset whether or not they were ours, as sd_listen_fds(1) does. The runtime keeps its own copy of the
        // environment and hands that copy to every process it starts, so this is what children see.
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var descriptor in passed)
            {
                InheritedDescriptor.SetCloseOnExec(descriptor.Descriptor);
            }
        }

        return passed;
    }
}
