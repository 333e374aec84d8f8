using System.Text.RegularExpressions;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Interop;

/// <summary>
/// The socket tutorials' own clients (Interop/python/, ported to Python 3) run with <c>python3</c> against
/// <c>switchboard serve</c>, and their output is checked.
/// </summary>
public sealed partial class PythonClientTests
{
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(30);

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("async")]
    [InlineData("sequential")]
    [InlineData("threads")]
    [InlineData("select")]
    public async Task TheTcpTimestampClientThatSendsNoNewlineGetsItsAnswers(string model)
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "timestamp", "--listen", "tcp://127.0.0.1:0", "--model", model);
        await using var _ = server;
        var (code, stdout, stderr) = await RunClientAsync("tsTclnt.py", [endpoints[0].Host!, Port(endpoints[0])], "hello\nsocket world\n\n");
        Assert.True(code == 0, stderr);
        var answers = Answers(stdout);
        Assert.Equal(2, answers.Count);
        Assert.Matches(TimestampPrefix() + "hello$", answers[0]);
        Assert.Matches(TimestampPrefix() + "socket world$", answers[1]);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUdpTimestampClientGetsItsAnswers()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "timestamp", "--listen", "udp://127.0.0.1:0", "--model", "select");
        await using var _ = server;
        var (code, stdout, stderr) = await RunClientAsync("tsUclnt.py", [endpoints[0].Host!, Port(endpoints[0])], "over udp\nagain\n");
        Assert.True(code == 0, stderr);
        var answers = Answers(stdout);
        Assert.Equal(2, answers.Count);
        Assert.Matches(TimestampPrefix() + "over udp$", answers[0]);
        Assert.Matches(TimestampPrefix() + "again$", answers[1]);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheUdpEchoClientGetsEachMessageBack()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--listen", "udp://127.0.0.1:0", "--model", "threads");
        await using var _ = server;
        var port = Port(endpoints[0]);
        var (code, stdout, stderr) = await RunClientAsync("udp_echo_client.py", [endpoints[0].Host!, port, "Hello, World!", "second message"], "");
        Assert.True(code == 0, stderr);
        Assert.Equal(
            [
                "sending \"Hello, World!\"",
                $"received \"Hello, World!\" from 127.0.0.1:{port}",
                "sending \"second message\"",
                $"received \"second message\" from 127.0.0.1:{port}",
                "closing socket",
            ],
            stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static Task<(int ExitCode, string StandardOutput, string StandardError)> RunClientAsync(string script, string[] arguments, string input) =>
        PeerProcess.RunAsync("python3", [Path.Combine(AppContext.BaseDirectory, "Interop", "python", script), .. arguments], input, ClientTimeout);

    /// <summary>The lines the client printed, without its "> " prompts.</summary>
    private static List<string> Answers(string stdout) =>
        [.. stdout.Replace("> ", "\n", StringComparison.Ordinal).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    private static string Port(Switchboard.Endpoints.EndpointUri endpoint) => endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]: ")]
    private static partial Regex TimestampPrefix();
}
