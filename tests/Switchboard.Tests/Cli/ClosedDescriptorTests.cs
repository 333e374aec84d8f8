using System.Net.Sockets;
using System.Text;
using Switchboard.Tests.Client;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary>
/// The tool started by /bin/sh with a standard descriptor closed (<c>&lt;&amp;-</c>, <c>&gt;&amp;-</c>, <c>2&gt;&amp;-</c>):
/// a closed stdin is empty, a closed stdout is a reader that has gone, a closed stderr is silence; never a stack trace,
/// never a hang, and the exit codes keep their meaning.
/// </summary>
public sealed class ClosedDescriptorTests : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectWithStdoutClosedEndsQuietlyWithZero()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);

        var (code, _, stderr) = await RunShellAsync("printf 'hi\\n' | dotnet \"$0\" connect \"$1\" >&-", server.Listeners[0].Endpoint.ToString());

        Assert.Equal("", stderr);
        Assert.Equal(0, code);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectWithStderrClosedStillRelaysAndExitsZero()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);

        var (code, stdout, _) = await RunShellAsync("printf 'hi\\n' | dotnet \"$0\" connect -v \"$1\" 2>&-", server.Listeners[0].Endpoint.ToString());

        Assert.Equal(0, code);
        Assert.Equal("hi\n", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectWithStderrClosedStillExitsOneWhenRefused()
    {
        var endpoint = $"tcp://127.0.0.1:{ClientTestPeers.FreePort()}";

        var (code, stdout, _) = await RunShellAsync("dotnet \"$0\" connect \"$1\" < /dev/null 2>&-", endpoint);

        Assert.Equal(1, code);
        Assert.Equal("", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ConnectWithStdinClosedSendsNothingAndEndsWithThePeer()
    {
        await using var server = ServiceServers.Start("echo", "tcp", _dir);

        // A closed stdin is an empty one: FIN at once, the echo server closes, connect exits 0.
        var (code, stdout, stderr) = await RunShellAsync("dotnet \"$0\" connect \"$1\" <&-", server.Listeners[0].Endpoint.ToString());

        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Equal("", stdout);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ListenWithStdoutClosedEndsWhenItsPeerCloses()
    {
        var stderr = _dir.File("stderr.txt");
        await using var shell = ExternalTool.Start(
            "/bin/sh", "-c", "dotnet \"$0\" listen tcp://127.0.0.1:0 < /dev/null >&- 2> \"$1\"", CliProcess.ToolPath, stderr);
        var endpoint = await StdoutToFileTests.ListeningEndpointAsync(stderr);

        using (var client = await TestClient.ConnectAsync(endpoint))
        {
            await client.SendAllAsync("nobody will print this\n"u8.ToArray());
            client.Shutdown(SocketShutdown.Send);
            try
            {
                await client.ReadToEndAsync();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // listen may stop reading as soon as its stdout fails: a reset is fine, a hang is not.
            }
        }

        var (code, _, _) = await shell.WaitAsync(RunLimit);
        Assert.Equal(0, code);
        Assert.DoesNotContain("   at ", await File.ReadAllTextAsync(stderr, TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunShellAsync(string script, string endpoint)
    {
        await using var shell = ExternalTool.Start("/bin/sh", "-c", script, CliProcess.ToolPath, endpoint);
        var (code, stdout, stderr) = await shell.WaitAsync(RunLimit);
        return (code, Encoding.UTF8.GetString(stdout), stderr);
    }
}
