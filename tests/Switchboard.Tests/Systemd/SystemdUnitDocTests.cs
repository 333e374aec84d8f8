using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Systemd;

/// <summary>
/// docs/systemd.md's <c>.socket</c> and <c>.service</c> pair: every directive is one systemd documents for its
/// section, and the service's <c>ExecStart=</c> line, run under systemd-socket-activate with the socket's name,
/// reports READY=1 and answers.
/// </summary>
public sealed partial class SystemdUnitDocTests : IDisposable
{
    // From systemd.unit(5), systemd.socket(5), systemd.service(5) and systemd.exec(5): the directives the doc may use.
    private static readonly Dictionary<string, string[]> Known = new()
    {
        ["Unit"] = ["Description", "Documentation", "Requires", "Wants", "After", "Before", "BindsTo", "PartOf", "Conflicts"],
        ["Socket"] = ["ListenStream", "ListenDatagram", "ListenSequentialPacket", "FileDescriptorName", "Accept", "Service",
            "Backlog", "SocketMode", "SocketUser", "SocketGroup", "BindIPv6Only", "ReusePort", "FreeBind", "NoDelay", "KeepAlive"],
        ["Service"] = ["Type", "ExecStart", "ExecReload", "WatchdogSec", "TimeoutStopSec", "TimeoutStartSec", "Restart", "RestartSec",
            "NotifyAccess", "DynamicUser", "User", "Group", "Environment", "KillSignal", "LimitNOFILE", "NoNewPrivileges"],
        ["Install"] = ["WantedBy", "RequiredBy", "Also"],
    };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EveryDirectiveInTheUnitsIsOneSystemdHasForItsSection()
    {
        foreach (var unit in new[] { Unit("echo.socket"), Unit("echo.service") })
        {
            Assert.NotEmpty(unit);
            foreach (var (section, key, _) in unit)
            {
                Assert.True(Known.TryGetValue(section, out var keys), $"[{section}] is not a unit section");
                Assert.Contains(key, keys);
            }
        }

        var service = Unit("echo.service");
        Assert.Contains(("Service", "Type", "notify"), service);
        Assert.Contains(service, d => d.Key == "WatchdogSec");
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheServiceExecStartRunsUnderSocketActivationWithTheSocketsName()
    {
        var socket = Unit("echo.socket");
        var name = socket.Single(d => d.Key == "FileDescriptorName").Value;
        var exec = Unit("echo.service").Single(d => d.Key == "ExecStart").Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("switchboard", exec[0], StringComparison.Ordinal);

        var notifyPath = _dir.File("notify");
        using var manager = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        manager.Bind(new UnixDomainSocketEndPoint(notifyPath));
        // The doc's ListenStream= on a free port: 7007 may be taken on a test machine.
        var port = ActivatedTool.FreePort(SocketType.Stream);
        await using var tool = await ActivatedTool.StartToolAsync(
            1, ["-l", $"127.0.0.1:{port}", $"--fdname={name}", "-E", $"NOTIFY_SOCKET={notifyPath}"], exec[1..]);
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);

        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TestTimeouts.Io * 3);
        var n = await manager.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        Assert.StartsWith("READY=1", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
        var stream = client.GetStream();
        await stream.WriteAsync("from the unit\n"u8.ToArray(), TestContext.Current.CancellationToken);
        var reply = new byte[14];
        await stream.ReadExactlyAsync(reply, cts.Token);
        Assert.Equal("from the unit\n", Encoding.ASCII.GetString(reply));
    }

    /// <summary>The directives of the ```ini block that follows the line naming <paramref name="file"/>.</summary>
    private static List<(string Section, string Key, string Value)> Unit(string file)
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "systemd.md"));
        var start = doc.IndexOf($"/{file}`:", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/systemd.md names no {file}");
        var block = IniBlock().Match(doc, start);
        Assert.True(block.Success, $"no ```ini block after {file}");
        var directives = new List<(string, string, string)>();
        var section = "";
        foreach (var line in block.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line.StartsWith('['))
            {
                section = line.Trim('[', ']');
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            Assert.True(equals > 0, $"{file}: '{line}' is not KEY=VALUE");
            directives.Add((section, line[..equals], line[(equals + 1)..]));
        }

        return directives;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"no Switchboard.slnx above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex("```ini\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex IniBlock();
}
