using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Switchboard.Endpoints;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli;

/// <summary><c>serve --config FILE</c>, <c>SWITCHBOARD__*</c> variables and <c>--print-config</c>: file, then environment, then flags.</summary>
public sealed class ServeConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The tool run through env(1), so the variable reaches that child only, not the tests beside this one.</summary>
    private sealed class WithEnvironment(string variable, IEnumerable<string> arguments)
        : ChildProcess("env", [variable, "dotnet", CliProcess.ToolPath, .. arguments]);

    private string Config(string json)
    {
        var path = _dir.File($"config-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static JsonElement Printed(string stdout) => JsonDocument.Parse(stdout).RootElement.GetProperty("Switchboard");

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheFileTheEnvironmentAndTheFlagsMergeWithFlagsWinning()
    {
        var file = Config("""{ "Switchboard": { "Listen": ["tcp://127.0.0.1:0"], "MaxConnections": 100, "IdleTimeout": "30s", "Model": "threads" } }""");

        await using var process = new WithEnvironment("SWITCHBOARD__MAXCONNECTIONS=50", ["serve", "echo", "--config", file, "--drain", "2s", "--print-config"]);
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var printed = Printed(string.Join('\n', process.StandardOutputLines));
        Assert.Equal(50, printed.GetProperty("MaxConnections").GetInt32()); // the environment over the file
        Assert.Equal("30s", printed.GetProperty("IdleTimeout").GetString()); // the file over the default
        Assert.Equal("2s", printed.GetProperty("DrainTimeout").GetString()); // a flag
        Assert.Equal("threads", printed.GetProperty("Model").GetString());
        Assert.Equal("tcp://127.0.0.1:0", printed.GetProperty("Listen")[0].GetString());

        await using var flagged = new WithEnvironment("SWITCHBOARD__MAXCONNECTIONS=50", ["serve", "echo", "--config", file, "--max-connections", "7", "--print-config"]);
        Assert.Equal(0, await flagged.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(7, Printed(string.Join('\n', flagged.StandardOutputLines)).GetProperty("MaxConnections").GetInt32());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TheConfiguredListenerServes()
    {
        var file = Config("""{ "Switchboard": { "Listen": ["tcp://127.0.0.1:0"], "MaxConnections": 3 } }""");
        var (process, endpoints) = await CliProcess.ServeAsync(1, "echo", "--config", file);
        await using var _ = process;

        Assert.Single(endpoints);
        using var socket = await TestClient.ConnectAsync(endpoints[0]);
        await socket.SendAllAsync(Encoding.ASCII.GetBytes("configured\n"));
        socket.Shutdown(SocketShutdown.Send);
        Assert.Equal("configured\n", Encoding.ASCII.GetString(await socket.ReadToEndAsync()));
        Assert.Equal(TransportKind.Tcp, endpoints[0].Kind);
    }

    [Theory(Timeout = TestTimeouts.Process)]
    [InlineData("""{ "Switchboard": { "MaxConnections": 0 } }""", "Switchboard:MaxConnections must be a positive number, not 0")]
    [InlineData("""{ "Switchboard": { "Transport": { "Backlog": 0 } } }""", "Switchboard:Transport:Backlog must be a positive number, not 0")]
    [InlineData("""{ "Switchboard": { "MaxConection": 3 } }""", "Switchboard:MaxConection is not a Switchboard option")]
    [InlineData("""{ "Switchboard": { "IdleTimeout": "soon" } }""", "Switchboard:IdleTimeout 'soon': not a duration")]
    [InlineData("""{ "Switchboard": { "Listen": ["tcp://127.0.0.1:x"] } }""", "Switchboard:Listen:0 is invalid")]
    public async Task ABadFileValueIsOneLineNamingItsKeyAndExitsTwo(string json, string expected)
    {
        var (code, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "echo", "--config", Config(json), "--print-config");

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AMissingFileIsOneLineAndExitsTwo()
    {
        var (code, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "echo", "--config", _dir.File("absent.json"));

        Assert.Equal(2, code);
        Assert.StartsWith("switchboard: --config: ", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
