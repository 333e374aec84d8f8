using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Systemd;

/// <summary>
/// sd_notify(3): tells the service manager how the service is doing, one datagram per message, to the Unix datagram
/// socket named in <c>NOTIFY_SOCKET</c> (a path, or <c>@name</c> in the abstract namespace). A unit with
/// <c>Type=notify</c> is "started" only at <see cref="Ready"/>, so units ordered after it wait until the server
/// listens; <see cref="Stopping"/> says the stop has begun; with <c>WatchdogSec=</c> set, <see cref="StartWatchdog"/>
/// pings at half the interval systemd asks for (<c>WATCHDOG_USEC</c>), and a process that stops pinging is restarted.
/// A notification that cannot be sent is dropped (false), never thrown: the manager may have gone, and the service
/// goes on.
/// </summary>
public sealed class SystemdNotifier : IDisposable
{
    private readonly Socket _socket;
    private readonly UnixDomainSocketEndPoint _target;
    private Timer? _watchdog;

    /// <summary>A notifier for the socket <paramref name="notifySocket"/>: an absolute path or <c>@name</c>.</summary>
    /// <param name="notifySocket">The value of <c>NOTIFY_SOCKET</c>.</param>
    /// <param name="watchdogInterval">How often the manager expects <c>WATCHDOG=1</c>; null when it expects none.</param>
    public SystemdNotifier(string notifySocket, TimeSpan? watchdogInterval = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(notifySocket);
        if (notifySocket[0] is not ('/' or '@'))
        {
            throw new ArgumentException($"NOTIFY_SOCKET '{notifySocket}' is neither an absolute path nor an @abstract name", nameof(notifySocket));
        }

        // The abstract namespace is written '@' by convention and is a leading NUL in the address.
        _target = new UnixDomainSocketEndPoint(notifySocket[0] == '@' ? "\0" + notifySocket[1..] : notifySocket);
        NotifySocket = notifySocket;
        WatchdogInterval = watchdogInterval;
        // Non-blocking: a Unix datagram send waits while the receiver's queue is full (net.unix.max_dgram_qlen, 10 by
        // default), and a manager that stops reading must not stall the service, nor its exit behind a blocked ping.
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified) { Blocking = false };
    }

    /// <summary>Where notifications go, as <c>NOTIFY_SOCKET</c> spelled it.</summary>
    public string NotifySocket { get; }

    /// <summary>How often the manager expects a watchdog ping (<c>WatchdogSec=</c>); null when it expects none.</summary>
    public TimeSpan? WatchdogInterval { get; }

    /// <summary>
    /// A notifier for this process's service manager: null when <c>NOTIFY_SOCKET</c> is unset (not started by systemd,
    /// or without <c>Type=notify</c>), so callers write <c>notifier?.Ready()</c>. The watchdog interval is read from
    /// <c>WATCHDOG_USEC</c> when <c>WATCHDOG_PID</c> is unset or names this process, as sd_watchdog_enabled(3) reads it.
    /// </summary>
    public static SystemdNotifier? FromEnvironment()
    {
        var socket = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socket) || socket[0] is not ('/' or '@'))
        {
            return null;
        }

        return new SystemdNotifier(socket, ReadWatchdogInterval(
            Environment.GetEnvironmentVariable("WATCHDOG_USEC"), Environment.GetEnvironmentVariable("WATCHDOG_PID"), Environment.ProcessId));
    }

    /// <summary>The watchdog interval the two variables give this process, or null.</summary>
    public static TimeSpan? ReadWatchdogInterval(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (watchdogPid is not null
            && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return null;
        }

        return long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec) && usec > 0
            ? TimeSpan.FromMicroseconds(usec)
            : null;
    }

    /// <summary>
    /// Sends <paramref name="state"/> (newline-separated <c>KEY=VALUE</c> lines); false when it could not be sent at
    /// once (no manager there, or its queue full).
    /// </summary>
    public bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        try
        {
            _socket.SendTo(Encoding.UTF8.GetBytes(state), SocketFlags.None, _target);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary><c>READY=1</c>: the service has started (listens); <paramref name="status"/> becomes <c>STATUS=</c> when given.</summary>
    public bool Ready(string? status = null) => Notify(status is null ? "READY=1" : $"READY=1\nSTATUS={status}");

    /// <summary><c>STOPPING=1</c>: the service has begun to stop (drains).</summary>
    public bool Stopping() => Notify("STOPPING=1");

    /// <summary><c>WATCHDOG=1</c>: the service is alive.</summary>
    public bool Watchdog() => Notify("WATCHDOG=1");

    /// <summary>
    /// Pings <c>WATCHDOG=1</c> at once and then every half <see cref="WatchdogInterval"/> (sd_watchdog_enabled(3)
    /// advises half) until disposed; nothing when the manager expects no pings. The pings come from a timer on the
    /// thread pool, so they prove the process runs and its pool is not starved, not that every handler is well.
    /// </summary>
    public void StartWatchdog()
    {
        if (WatchdogInterval is not { } interval || _watchdog is not null)
        {
            return;
        }

        var period = interval / 2;
        _watchdog = new Timer(static state => ((SystemdNotifier)state!).Watchdog(), this, TimeSpan.Zero, period);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _watchdog?.Dispose();
        _socket.Dispose();
    }
}
