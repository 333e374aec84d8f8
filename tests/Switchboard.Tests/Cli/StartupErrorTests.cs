using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// What goes wrong before anything is served (a missing directory, a denied one, too few descriptors, too many
/// loops): one line on stderr that names the cause, exit 1, never a stack trace.
/// </summary>
public sealed class StartupErrorTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("serve", "echo", "--listen")]
    [InlineData("listen")]
    public async Task AUnixSocketInAMissingDirectoryNamesTheDirectory(params string[] command)
    {
        var missing = _dir.File("nonexistent/dir");
        var run = await CliProcess.RunRawAsync([], RunLimit, [.. command, $"unix://{missing}/x.sock"]);

        Assert.Equal(1, run.ExitCode);
        var line = AssertOneLine(run);
        Assert.Contains($"directory {missing} does not exist", line, StringComparison.Ordinal);
        Assert.DoesNotContain("address not available", line, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task AUnixSocketInADirectoryWithoutWritePermissionSaysSo()
    {
        var locked = _dir.File("locked");
        Directory.CreateDirectory(locked);
        File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var (code, _, stderr) = await RunUnprivilegedAsync(["serve", "echo", "--listen", $"unix://{locked}/x.sock"]);

        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, stderr);
        Assert.Contains("permission denied", lines[0], StringComparison.Ordinal);
        Assert.Contains(locked, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("ports below 1024", lines[0], StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task MoreListenersThanDescriptorsIsOneLineNamingTheDescriptorLimit()
    {
        var listens = Enumerable.Range(0, 300).SelectMany(_ => new[] { "--listen", "tcp://127.0.0.1:0" });
        var (code, stdout, stderr) = await RunWithDescriptorLimitAsync(256, ["serve", "echo", .. listens]);

        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, stderr);
        Assert.Contains("too many open files", lines[0], StringComparison.Ordinal);
        Assert.Contains("ulimit -n", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("in system", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("listening on", stdout, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task MoreEventLoopsThanDescriptorsIsOneLineNamingTheCause()
    {
        var (code, _, stderr) = await RunWithDescriptorLimitAsync(256, ["serve", "echo", "--listen", "tcp://127.0.0.1:0", "--async-loops", "1000"]);

        Assert.Equal(1, code);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, stderr);
        Assert.Contains("event loop", lines[0], StringComparison.Ordinal);
        Assert.Contains("too many open files", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", stderr, StringComparison.Ordinal);
    }

    private static Task<(int ExitCode, string StandardOutput, string StandardError)> RunWithDescriptorLimitAsync(int limit, string[] arguments) =>
        PeerProcess.RunAsync("/bin/sh", ["-c", $"ulimit -n {limit} && exec dotnet \"$0\" \"$@\"", CliProcess.ToolPath, .. arguments], "", RunLimit);

    /// <summary>As root, runs the tool as nobody (setpriv, util-linux): root may write in any directory.</summary>
    private static Task<(int ExitCode, string StandardOutput, string StandardError)> RunUnprivilegedAsync(string[] arguments)
    {
        string[] tool = ["dotnet", CliProcess.ToolPath, .. arguments];
        return Environment.UserName == "root"
            ? PeerProcess.RunAsync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp", .. tool], "", RunLimit)
            : PeerProcess.RunAsync(tool[0], tool[1..], "", RunLimit);
    }

    private static string AssertOneLine(CliRun run)
    {
        Assert.True(run.StderrLines.Length == 1, $"expected one line on stderr, got:\n{run.Stderr}");
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        return run.StderrLines[0];
    }
}
