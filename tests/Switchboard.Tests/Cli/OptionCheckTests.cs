using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// Option values that parse but cannot work, unknown options and the help texts: each is one line on stderr that
/// names the option, exit 2, before anything is bound.
/// </summary>
public sealed class OptionCheckTests
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("--drain", "2000h")]
    [InlineData("--line-flush", "2000h")]
    [InlineData("--idle-timeout", "2000h")]
    [InlineData("--idle-timeout", "NaN")]
    [InlineData("--idle-timeout", "Infinity")]
    [InlineData("--max-members", "2147483647")]
    [InlineData("--max-connections", "2147483647")]
    [InlineData("--async-loops", "20000")]
    [InlineData("--max-line", "2147483647")]
    [InlineData("--udp-reply-burst", "2147483647")]
    public async Task AServeValueThatCannotWorkIsOneLineNamingTheOption(string option, string value)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "serve", "echo", "--listen", "tcp://127.0.0.1:0", option, value);

        Assert.Equal(2, run.ExitCode);
        AssertOneLineNaming(run, option);
        Assert.Empty(run.Stdout);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("connect", "-w", "2000h")]
    [InlineData("connect", "-q", "2000h")]
    [InlineData("connect", "--idle", "NaN")]
    [InlineData("connect", "--wait", "2000h")]
    [InlineData("listen", "--max-connections", "2147483647")]
    [InlineData("listen", "-q", "2000h")]
    public async Task AClientValueThatCannotWorkIsOneLineNamingTheOption(string command, string option, string value)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, command, "tcp://127.0.0.1:0", option, value);

        Assert.Equal(2, run.ExitCode);
        AssertOneLineNaming(run, option);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("echo", "--duration", "2000h")]
    [InlineData("echo", "--connections", "2147483647")]
    [InlineData("chat", "--warmup", "NaN")]
    [InlineData("connections", "--count", "2147483647")]
    public async Task ABenchValueThatCannotWorkIsOneLineNamingTheOption(string mode, string option, string value)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "bench", mode, "tcp://127.0.0.1:1", option, value);

        Assert.Equal(2, run.ExitCode);
        AssertOneLineNaming(run, option);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("info")]
    [InlineData("Information")]
    [InlineData("warn")]
    public async Task LogLevelTakesTheShortNamesToo(string level)
    {
        var (process, _) = await CliProcess.ServeAsync(1, "echo", "--listen", "tcp://127.0.0.1:0", "--log-level", level);
        await using var _ = process;
        process.Signal(15);
        Assert.Equal(0, await process.WaitForExitAsync(TestTimeouts.Io * 3));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AnUnknownLogLevelNamesTheLevelsItTakes()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "serve", "echo", "--log-level", "loud");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--log-level", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("info", run.Stderr, StringComparison.Ordinal);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("listen", "-x", "tcp://127.0.0.1:0")]
    [InlineData("connect", "--frobnicate", "tcp://127.0.0.1:1")]
    [InlineData("serve", "echo", "--frobnicate")]
    public async Task AnUnknownOptionIsNamedAndPointsAtItsCommandsHelp(string command, string first, string second)
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, command, first, second);
        var unknown = first.StartsWith('-') ? first : second;

        Assert.Equal(2, run.ExitCode);
        Assert.Equal([$"switchboard: unknown option '{unknown}'", $"Try 'switchboard {command} --help'."], run.StderrLines);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AnUnknownBenchOptionPointsAtTheBenchModesHelp()
    {
        var run = await CliProcess.RunRawAsync([], RunLimit, "bench", "chat", "-x", "tcp://127.0.0.1:1");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(["switchboard: unknown option '-x'", "Try 'switchboard bench chat --help'."], run.StderrLines);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task DashMMeansTheModelAndNothingElse()
    {
        var serve = await CliProcess.RunAsync(RunLimit, "serve", "--help");
        var listen = await CliProcess.RunAsync(RunLimit, "listen", "--help");

        Assert.Contains(serve.StandardOutput.Split('\n'), l => l.TrimStart().StartsWith("-m, --model", StringComparison.Ordinal));
        Assert.DoesNotContain(listen.StandardOutput.Split('\n'), l => l.TrimStart().StartsWith("-m,", StringComparison.Ordinal));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TopLevelHelpPrintsTheEofPolicyOnceAndEachCommandHelpHasIt()
    {
        const string Policy = "End of file (the same for connect and listen)";
        var top = await CliProcess.RunAsync(RunLimit, "--help");
        var connect = await CliProcess.RunAsync(RunLimit, "connect", "--help");
        var listen = await CliProcess.RunAsync(RunLimit, "listen", "--help");

        Assert.Equal(0, top.ExitCode);
        Assert.True(Count(top.StandardOutput, Policy) <= 1, top.StandardOutput);
        Assert.Equal(1, Count(connect.StandardOutput, Policy));
        Assert.Equal(1, Count(listen.StandardOutput, Policy));
    }

    private static int Count(string text, string part) => text.Split(part).Length - 1;

    private static void AssertOneLineNaming(CliRun run, string option)
    {
        Assert.True(run.StderrLines.Length == 1, $"expected one line on stderr, got:\n{run.Stderr}");
        Assert.Contains(option, run.StderrLines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
    }
}
