using Switchboard.Tests.Support;

namespace Switchboard.Tests.Exec;

/// <summary><c>switchboard serve exec</c> as a process, with nc and socat as its clients.</summary>
[Collection(ExecTestGroup.Name)]
public sealed class ExecCliTests
{
    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("relay")]
    [InlineData("direct")]
    public async Task ServeExecCatIsAnEchoServerForNcAndSocat(string mode)
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "exec", "--listen", "tcp://127.0.0.1:0", "--exec-mode", mode, "--", "cat");
        await using (server)
        {
            var port = endpoints[0].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var text = string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}\n"));

            var nc = await PeerProcess.RunAsync("nc", ["-N", "127.0.0.1", port], text, TimeSpan.FromSeconds(30));
            var socat = await PeerProcess.RunAsync("socat", ["-t", "10", "-", "TCP:127.0.0.1:" + port], text, TimeSpan.FromSeconds(30));

            Assert.Equal(text, nc.StandardOutput);
            Assert.Equal(text, socat.StandardOutput);
        }
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ShExecRunsTheCommandThroughTheShellAndLogsTheExit()
    {
        var (server, endpoints) = await CliProcess.ServeAsync(1, "exec", "--listen", "tcp://127.0.0.1:0", "--sh-exec", "read l; echo \"you said $l\"; exit 3");
        await using (server)
        {
            var port = endpoints[0].Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var nc = await PeerProcess.RunAsync("nc", ["-N", "127.0.0.1", port], "hi\n", TimeSpan.FromSeconds(30));

            Assert.Equal("you said hi\n", nc.StandardOutput);
            Assert.True(await Eventually.TrueAsync(() => server.StandardError.Contains("exited with status 3 after", StringComparison.Ordinal)), server.StandardError);
        }
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("cannot run 'no-such-program-at-all': not found in PATH", "--listen", "tcp://127.0.0.1:0", "--", "no-such-program-at-all")]
    [InlineData("cannot run '/etc/passwd': not executable (permission denied)", "--listen", "tcp://127.0.0.1:0", "--", "/etc/passwd")]
    [InlineData("serve exec: no program: give one after -- (e.g. -- cat) or --sh-exec \"COMMAND\"", "--listen", "tcp://127.0.0.1:0")]
    [InlineData("--exec-mode direct: a TLS connection cannot be handed to a program (it would read ciphertext); use relay, the default", "--listen", "tls://127.0.0.1:0", "--tls-self-signed", "--exec-mode", "direct", "--", "cat")]
    public async Task WhatCannotRunIsOneLineAtStartAndExitTwo(string message, params string[] arguments)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), ["serve", "exec", .. arguments]);

        Assert.Equal(2, code);
        Assert.Equal("switchboard: " + message, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last());
    }
}
