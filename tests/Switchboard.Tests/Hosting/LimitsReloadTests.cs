using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Hosting;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Hosting;

/// <summary>
/// A configuration reload hands a running hosted server its new limits, on real sockets: nobody is dropped, a bad
/// value is one error naming its key (the old limits stay), a change that needs a restart is one warning.
/// </summary>
public sealed class LimitsReloadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AJsonFileReloadLowersMaxConnectionsBelowTheLiveCountWithoutDroppingAnyone()
    {
        var file = _dir.File("appsettings.json");
        await File.WriteAllTextAsync(file, Settings(maxConnections: 3), TestContext.Current.CancellationToken);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: true);
        builder.Services.AddSwitchboard().AddServersFromConfiguration(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        var echo = host.Services.GetRequiredService<SwitchboardServers>()["echo"];
        var endpoint = echo.Server!.Listeners[0].Endpoint;
        var live = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                live.Add(await TestClient.ConnectAsync(endpoint));
                Assert.Equal("a", await ExchangeAsync(live[i], "a"));
            }

            await File.WriteAllTextAsync(file, Settings(maxConnections: 1, idleTimeout: "10m"), TestContext.Current.CancellationToken);
            Assert.True(await Eventually.TrueAsync(() => echo.Server.Limits.MaxConnections == 1, TestTimeouts.Io), "the reload did not reach the server");
            Assert.Equal(TimeSpan.FromMinutes(10), echo.Server.Limits.IdleTimeout);

            // Three live against a limit of one: a newcomer is closed at accept, the three go on.
            using (var newcomer = await TestClient.ConnectAsync(endpoint))
            {
                Assert.True(await IsClosedByServerAsync(newcomer), "a newcomer was served over the lowered limit");
            }

            foreach (var socket in live)
            {
                Assert.Equal("still here", await ExchangeAsync(socket, "still here"));
            }

            Assert.Equal(3, echo.Server.ActiveConnections);
            foreach (var socket in live)
            {
                socket.Dispose();
            }

            live.Clear();
            Assert.True(await Eventually.TrueAsync(() => echo.Server.ActiveConnections == 0));
            using var next = await TestClient.ConnectAsync(endpoint);
            Assert.Equal("in", await ExchangeAsync(next, "in"));
        }
        finally
        {
            live.ForEach(s => s.Dispose());
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ALoweredIdleTimeoutReachesTheLiveConnections()
    {
        var (host, configuration, _) = await StartInMemoryAsync();
        using var _host = host;
        var echo = host.Services.GetRequiredService<SwitchboardServers>()["echo"];
        using var client = await TestClient.ConnectAsync(echo.Server!.Listeners[0].Endpoint);
        Assert.Equal("x", await ExchangeAsync(client, "x"));

        configuration["Switchboard:Servers:echo:IdleTimeout"] = "300ms";
        configuration.Reload();

        Assert.True(await IsClosedByServerAsync(client), "the live connection was not closed idle");
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("MaxConnections", "0")]
    [InlineData("MaxConnections", "many")]
    [InlineData("IdleTimeout", "soon")]
    [InlineData("DatagramReplyBurst", "0")]
    [InlineData("MaxConection", "5")]
    public async Task ABadValueIsOneErrorNamingItsKeyAndTheOldLimitsStay(string key, string value)
    {
        var (host, configuration, logs) = await StartInMemoryAsync();
        using var _host = host;
        var server = host.Services.GetRequiredService<SwitchboardServers>()["echo"].Server!;
        var before = server.Limits;

        configuration["Switchboard:Servers:echo:MaxConnectionsPerAddress"] = "4"; // good, but in the same reload as the bad one
        configuration[$"Switchboard:Servers:echo:{key}"] = value;
        configuration.Reload();

        var errors = logs.GetSnapshot().Where(r => r.Level == LogLevel.Error).ToList();
        var error = Assert.Single(errors);
        Assert.Contains($"Switchboard:Servers:echo:{key} ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Equal(before, server.Limits);
        Assert.Equal("ok", await EchoOnceAsync(server, "ok"));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AChangedListenerIsOneWarningThatARestartIsNeededAndTheLimitsStillReload()
    {
        var (host, configuration, logs) = await StartInMemoryAsync();
        using var _host = host;
        var server = host.Services.GetRequiredService<SwitchboardServers>()["echo"].Server!;
        var bound = server.Listeners[0].Endpoint;

        configuration["Switchboard:Servers:echo:Listen:0"] = "tcp://127.0.0.1:1";
        configuration["Switchboard:Servers:echo:Model"] = "threads";
        configuration["Switchboard:Servers:echo:MaxConnections"] = "9";
        configuration.Reload();
        configuration.Reload(); // the same difference again: not said twice

        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("Switchboard:Servers:echo: Listen:0, Model changed", warning.Message, StringComparison.Ordinal);
        Assert.Contains("restart", warning.Message, StringComparison.Ordinal);
        Assert.Equal(9, server.Limits.MaxConnections);
        Assert.Equal(bound, server.Listeners[0].Endpoint);
        Assert.Equal("same port", await EchoOnceAsync(server, "same port"));
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static string Settings(int maxConnections, string idleTimeout = "5m") => $$"""
        { "Switchboard": { "Servers": { "echo": {
            "Service": "echo", "Listen": [ "tcp://127.0.0.1:0" ], "MaxConnections": {{maxConnections}}, "IdleTimeout": "{{idleTimeout}}"
        } } } }
        """;

    private static async Task<(IHost Host, IConfigurationRoot Configuration, FakeLogCollector Logs)> StartInMemoryAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Switchboard:Servers:echo:Service"] = "echo",
            ["Switchboard:Servers:echo:Listen:0"] = "tcp://127.0.0.1:0",
            ["Switchboard:Servers:echo:MaxConnections"] = "50",
        });
        builder.Logging.AddFakeLogging(o => o.FilteredCategories.Add("Switchboard.Hosting"));
        builder.Services.AddSwitchboard().AddServersFromConfiguration(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return (host, builder.Configuration, host.Services.GetFakeLogCollector());
    }

    private static async Task<string> ExchangeAsync(Socket socket, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        await socket.SendAllAsync(bytes);
        return Encoding.ASCII.GetString(await socket.ReadExactlyAsync(bytes.Length));
    }

    private static async Task<string> EchoOnceAsync(Switchboard.Serving.Server server, string text)
    {
        using var socket = await TestClient.ConnectAsync(server.Listeners[0].Endpoint);
        await socket.SendAllAsync(Encoding.ASCII.GetBytes(text));
        socket.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(await socket.ReadToEndAsync());
    }

    /// <summary>Whether the server ends the connection (FIN or RST) without answering.</summary>
    private static async Task<bool> IsClosedByServerAsync(Socket socket)
    {
        try
        {
            return (await socket.ReadToEndAsync()).Length == 0;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
            return true;
        }
    }
}
