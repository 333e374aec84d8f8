using System.Net.Sockets;
using System.Text;
using Switchboard.Systemd;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Systemd;

/// <summary><see cref="SystemdNotifier"/> against a test-owned NOTIFY_SOCKET.</summary>
public sealed class SystemdNotifierTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheNotifierReachesAPathOrAnAbstractName(bool isAbstract)
    {
        var name = isAbstract ? "@sb-notify-" + Guid.NewGuid().ToString("N")[..12] : _dir.File("notify");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(isAbstract ? "\0" + name[1..] : name));
        using var notifier = new SystemdNotifier(name);
        Assert.True(notifier.Ready("up"));
        Assert.True(notifier.Stopping());
        Assert.Equal("READY=1\nSTATUS=up", await ReceiveAsync(manager));
        Assert.Equal("STOPPING=1", await ReceiveAsync(manager));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheWatchdogIntervalIsOnlyForTheProcessItNames()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), SystemdNotifier.ReadWatchdogInterval("30000000", null, 7));
        Assert.Equal(TimeSpan.FromSeconds(30), SystemdNotifier.ReadWatchdogInterval("30000000", "7", 7));
        Assert.Null(SystemdNotifier.ReadWatchdogInterval("30000000", "8", 7));
        Assert.Null(SystemdNotifier.ReadWatchdogInterval(null, null, 7));
        Assert.Null(SystemdNotifier.ReadWatchdogInterval("0", null, 7));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void ANotificationWithNoManagerListeningIsDroppedNotThrown()
    {
        using var notifier = new SystemdNotifier(_dir.File("nobody"));
        Assert.False(notifier.Ready());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AManagerThatStopsReadingNeverBlocksTheService()
    {
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(_dir.File("deaf")));
        using var notifier = new SystemdNotifier(_dir.File("deaf"));
        // More pings than the receiver's queue holds (net.unix.max_dgram_qlen, 10 by default): the rest are dropped.
        var sent = Enumerable.Range(0, 2_000).Select(_ => notifier.Watchdog()).ToList();
        Assert.Contains(true, sent);
        Assert.Contains(false, sent);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TestTimeouts.Io);
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
