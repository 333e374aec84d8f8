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
    [InlineData("""{ "Switchboard": { "Chat": { "MaxLineRate": -1 } } }""", "Switchboard:Chat:MaxLineRate")]
    [InlineData("""{ "Switchboard": { "Chat": { "Colour": 1 } } }""", "Switchboard:Chat:Colour is not a chat option")]
    [InlineData("""{ "Switchboard": { "Transport": { "DatagramBatchSize": 0 } } }""", "Switchboard:Transport:DatagramBatchSize")]
    [InlineData("""{ "Switchboard": { "Listen": ["tls://127.0.0.1:0"], "Tls": { "CertificatePath": "/nonexistent/c.pem" } } }""", "Switchboard:Tls:CertificatePath '/nonexistent/c.pem': no such file")]
    [InlineData("""{ "Switchboard": { "Listen": ["tls://127.0.0.1:0"], "Tls": { "SelfSigned": true, "CertificatePath": "/etc/hostname" } } }""", "Switchboard:Tls:SelfSigned and Switchboard:Tls:CertificatePath are both set")]
    [InlineData("""{ "Switchboard": { "Tls": { "SelfSigned": true } } }""", "Switchboard:Tls is set, but no Listen endpoint is tls://")]
    public async Task ABadFileValueIsOneLineNamingItsKeyAndExitsTwo(string json, string expected)
    {
        var (code, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "echo", "--config", Config(json), "--print-config");

        Assert.Equal(2, code);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task ChatAndTlsKeysMergeWithFlagsWinningAndThePasswordIsNeverPrinted()
    {
        var file = Config("""
            { "Switchboard": {
                "Listen": ["tls://127.0.0.1:0"],
                "Tls": { "SelfSigned": true, "Password": "hunter2", "HandshakeTimeout": "5s", "ApplicationProtocols": ["sb"] },
                "Chat": { "MaxMembers": 100, "NickTimeout": "30s", "ServerName": "filed" } } }
            """);

        await using var process = new WithEnvironment("SWITCHBOARD__CHAT__MAXMEMBERS=50", ["serve", "chat", "--config", file, "--nick-timeout", "10s", "--tls-handshake-timeout", "3s", "--print-config"]);
        Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var stdout = string.Join('\n', process.StandardOutputLines);
        var printed = Printed(stdout);
        var chat = printed.GetProperty("Chat");
        Assert.Equal(50, chat.GetProperty("MaxMembers").GetInt32()); // the environment over the file
        Assert.Equal("10s", chat.GetProperty("NickTimeout").GetString()); // the flag over the file
        Assert.Equal("filed", chat.GetProperty("ServerName").GetString()); // the file over the default
        Assert.Equal(50 + 64, printed.GetProperty("MaxConnections").GetInt32()); // follows the members, as with the flag
        var tls = printed.GetProperty("Tls");
        Assert.True(tls.GetProperty("SelfSigned").GetBoolean());
        Assert.Equal("3s", tls.GetProperty("HandshakeTimeout").GetString());
        Assert.Equal("sb", tls.GetProperty("ApplicationProtocols")[0].GetString());
        Assert.DoesNotContain("hunter2", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", stdout, StringComparison.Ordinal);

        await using var flagged = new WithEnvironment("SWITCHBOARD__CHAT__MAXMEMBERS=50", ["serve", "chat", "--config", file, "--max-members", "7", "--print-config"]);
        Assert.Equal(0, await flagged.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var again = Printed(string.Join('\n', flagged.StandardOutputLines));
        Assert.Equal(7, again.GetProperty("Chat").GetProperty("MaxMembers").GetInt32());
        Assert.Equal("5s", again.GetProperty("Tls").GetProperty("HandshakeTimeout").GetString());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task TlsFilesFromTheFileServeAndSighupRereadsThem()
    {
        using var authority = TestCertificates.CreateAuthority();
        using var first = TestCertificates.CreateLeaf(authority);
        using var second = TestCertificates.CreateLeaf(authority);
        var (cert, key) = TestCertificates.WritePem(first, _dir, "server");
        var file = Config($$"""{ "Switchboard": { "Listen": ["tls://127.0.0.1:0"], "Tls": { "CertificatePath": "{{cert}}", "KeyPath": "{{key}}" } } }""");
        var (server, endpoints) = await CliProcess.ServeAsync(1, "echo", "--config", file);
        await using var _ = server;
        Assert.Equal(TransportKind.Tls, endpoints[0].Kind);
        using (var client = await TlsTestClient.ConnectAsync(endpoints[0], first))
        {
            await client.SendAsync("first\n"u8.ToArray());
            Assert.Equal("first\n"u8.ToArray(), await client.ReadExactlyAsync(6));
        }

        TestCertificates.WritePem(second, _dir, "server");
        server.Signal(1); // SIGHUP
        Assert.True(await Eventually.TrueAsync(() => server.StandardError.Contains("certificate reloaded", StringComparison.Ordinal)), server.StandardError);
        using var newcomer = await TlsTestClient.ConnectAsync(endpoints[0], second);
        Assert.Equal(second.Thumbprint, newcomer.Stream.RemoteCertificate!.GetCertHashString());
    }

    [Fact(Timeout = TestTimeouts.Process)]
    public async Task AMissingFileIsOneLineAndExitsTwo()
    {
        var (code, _, error) = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), "serve", "echo", "--config", _dir.File("absent.json"));

        Assert.Equal(2, code);
        Assert.StartsWith("switchboard: --config: ", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
