using Switchboard.Systemd;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// <c>switchboard serve</c> under systemd (<c>Type=notify</c>): READY=1 once every listener is up, STOPPING=1 when
/// the stop signal arrives (before the drain), and WATCHDOG=1 at half of <c>WatchdogSec=</c> until the process ends.
/// Nothing at all when <c>NOTIFY_SOCKET</c> is unset.
/// </summary>
internal static class ServiceManager
{
    /// <summary>Reports the start; dispose the result when the server has stopped (ends the watchdog pings).</summary>
    public static IDisposable? Started(string service, int listeners, CancellationToken stopping)
    {
        var notifier = SystemdNotifier.FromEnvironment();
        if (notifier is null)
        {
            return null;
        }

        notifier.Ready($"serving {service} on {listeners} listener{(listeners == 1 ? "" : "s")}");
        notifier.StartWatchdog();
        return new Reporting(notifier, stopping.Register(static n => ((SystemdNotifier)n!).Stopping(), notifier));
    }

    private sealed class Reporting(SystemdNotifier notifier, CancellationTokenRegistration onStop) : IDisposable
    {
        public void Dispose()
        {
            onStop.Dispose();
            notifier.Dispose();
        }
    }
}
