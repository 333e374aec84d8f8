using Switchboard.Endpoints;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// Output redirected to a file by /bin/sh: the tool writes where the shell's shared file offset is, as every Unix tool
/// does, so what the shell wrote before and after it survives (<c>&gt;</c> and <c>&gt;&gt;</c>).
/// </summary>
public sealed class StdoutToFileTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectWritesAfterWhatTheShellWroteBeforeItAndTheShellWritesAfterIt()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);
        var file = _dir.File("out.txt");

        await RunShellAsync(
            "{ echo before; printf 'hi\\n' | dotnet \"$0\" connect \"$1\"; echo after; } > \"$2\"",
            CliProcess.ToolPath,
            server.Listeners[0].Endpoint.ToString(),
            file);

        Assert.Equal("before\nhi\nafter\n", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TwoConnectsInOneTruncatingRedirectKeepBothOutputs()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);
        var file = _dir.File("out.txt");
        await File.WriteAllTextAsync(file, "an old content longer than the new one\n", TestContext.Current.CancellationToken);

        await RunShellAsync(
            "{ echo first | dotnet \"$0\" connect \"$1\"; echo second | dotnet \"$0\" connect \"$1\"; } > \"$2\"",
            CliProcess.ToolPath,
            server.Listeners[0].Endpoint.ToString(),
            file);

        Assert.Equal("first\nsecond\n", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectAppendsToAFileOpenedWithDoubleRedirect()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);
        var file = _dir.File("log.txt");
        await File.WriteAllTextAsync(file, "old\n", TestContext.Current.CancellationToken);

        for (var i = 0; i < 2; i++)
        {
            await RunShellAsync(
                "printf 'new %s\\n' \"$3\" | dotnet \"$0\" connect \"$1\" >> \"$2\"",
                CliProcess.ToolPath,
                server.Listeners[0].Endpoint.ToString(),
                file,
                i.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("old\nnew 0\nnew 1\n", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenWritesAfterWhatTheShellWroteBeforeItAndTheShellWritesAfterIt()
    {
        var file = _dir.File("out.txt");
        var stderr = _dir.File("stderr.txt");
        await using var shell = ExternalTool.Start(
            "/bin/sh",
            "-c",
            "{ echo before; dotnet \"$0\" listen tcp://127.0.0.1:0 < /dev/null 2> \"$2\"; echo after; } > \"$1\"",
            CliProcess.ToolPath,
            file,
            stderr);
        var endpoint = await ListeningEndpointAsync(stderr);

        using (var client = await TestClient.ConnectAsync(endpoint))
        {
            await client.SendAllAsync("hi\n"u8.ToArray());
            client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            await client.ReadToEndAsync();
        }

        var (code, _, _) = await shell.WaitAsync(RunLimit);
        Assert.Equal(0, code);
        Assert.Equal("before\nhi\nafter\n", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    /// <summary>Waits for the "listening on" line that <c>listen</c> writes to <paramref name="stderrFile"/>.</summary>
    internal static async Task<EndpointUri> ListeningEndpointAsync(string stderrFile)
    {
        const string Prefix = "switchboard: listening on ";
        string? line = null;
        var found = await Eventually.TrueAsync(
            () =>
            {
                line = File.Exists(stderrFile) ? File.ReadLines(stderrFile).FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal)) : null;
                return line is not null;
            },
            TimeSpan.FromSeconds(30));
        Assert.True(found, "listen never said where it listens: " + (File.Exists(stderrFile) ? File.ReadAllText(stderrFile) : "(no stderr)"));
        return EndpointUri.Parse(line![Prefix.Length..].Trim());
    }

    private static async Task RunShellAsync(string script, params string[] arguments)
    {
        await using var shell = ExternalTool.Start("/bin/sh", ["-c", script, .. arguments]);
        var (code, _, stderr) = await shell.WaitAsync(RunLimit);
        Assert.True(code == 0, $"the shell exited {code}: {stderr}");
        Assert.Equal("", stderr);
    }
}
