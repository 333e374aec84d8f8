using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Switchboard.Handlers;
using Switchboard.Hosting;
using Switchboard.Tests.Support;
using Switchboard.Transport;

namespace Switchboard.Tests.Hosting;

/// <summary><c>services.AddSwitchboard()</c> in a real Generic Host: named servers from configuration, errors naming their key, health, stop.</summary>
public sealed class HostedServerTests
{
    private static IHost Build(Dictionary<string, string?> settings, Action<SwitchboardBuilder, IConfiguration> servers, Action<HostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        servers(builder.Services.AddSwitchboard(), builder.Configuration);
        more?.Invoke(builder);
        return builder.Build();
    }

    private static async Task<string> EchoAsync(SwitchboardHostedServer server, string text)
    {
        using var socket = await TestClient.ConnectAsync(server.Server!.Listeners[0].Endpoint);
        await socket.SendAllAsync(Encoding.ASCII.GetBytes(text));
        socket.Shutdown(SocketShutdown.Send);
        return Encoding.ASCII.GetString(await socket.ReadToEndAsync());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TwoNamedServersFromConfigurationAnswerOnTheirOwnEphemeralPorts()
    {
        using var host = Build(
            new()
            {
                ["Switchboard:Servers:first:Service"] = "echo",
                ["Switchboard:Servers:first:Listen:0"] = "tcp://127.0.0.1:0",
                ["Switchboard:Servers:second:Service"] = "echo",
                ["Switchboard:Servers:second:Listen"] = "tcp://127.0.0.1:0",
                ["Switchboard:Servers:second:Model"] = "threads",
                ["Switchboard:Servers:second:MaxConnections"] = "7",
            },
            (s, configuration) => s.AddServersFromConfiguration(configuration));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var servers = host.Services.GetRequiredService<SwitchboardServers>();

        Assert.Equal("one", await EchoAsync(servers["first"], "one"));
        Assert.Equal("two", await EchoAsync(servers["second"], "two"));
        Assert.NotEqual(servers["first"].Server!.Listeners[0].Endpoint.Port, servers["second"].Server!.Listeners[0].Endpoint.Port);
        Assert.Equal(7, servers["second"].Server!.EffectiveMaxConnections);
        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.All(servers.All, s => Assert.Equal(SwitchboardServerState.Stopped, s.State));
    }

    [Theory(Timeout = TestTimeouts.Exchange)]
    [InlineData("MaxConnections", "0", "Switchboard:Servers:bad:MaxConnections")]
    [InlineData("Transport:Backlog", "0", "Switchboard:Servers:bad:Transport:Backlog")]
    [InlineData("IdleTimeout", "soon", "Switchboard:Servers:bad:IdleTimeout")]
    [InlineData("Model", "fibers", "Switchboard:Servers:bad:Model")]
    [InlineData("MaxConection", "5", "Switchboard:Servers:bad:MaxConection")]
    [InlineData("Listen:0", "tcp://127.0.0.1:notaport", "Switchboard:Servers:bad:Listen:0")]
    public async Task ABadValueFailsStartWithOneLineNamingItsKey(string key, string value, string named)
    {
        using var host = Build(
            new()
            {
                ["Switchboard:Servers:bad:Service"] = "echo",
                ["Switchboard:Servers:bad:Listen:0"] = "tcp://127.0.0.1:0",
                [$"Switchboard:Servers:bad:{key}"] = value,
            },
            (s, _) => s.AddServer("bad"));

        var error = await Assert.ThrowsAsync<SwitchboardConfigurationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        Assert.StartsWith(named + " ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheHealthCheckIsUnhealthyBeforeStartHealthyListeningDegradedNearTheLimitAndUnhealthyStopped()
    {
        using var host = Build(
            new() { ["Switchboard:Servers:echo:Listen:0"] = "tcp://127.0.0.1:0", ["Switchboard:Servers:echo:MaxConnections"] = "2" },
            (s, _) => s.AddServer("echo", "echo"));
        var server = host.Services.GetRequiredService<SwitchboardServers>()["echo"];
        var check = new SwitchboardHealthCheck(server) { DegradedFraction = 0.5 };
        var context = new HealthCheckContext { Registration = SwitchboardHealthCheck.Registration("echo") };

        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
        await host.StartAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);

        using (var held = await TestClient.ConnectAsync(server.Server!.Listeners[0].Endpoint))
        {
            Assert.True(await Eventually.TrueAsync(() => server.Server.ActiveConnections == 1));
            Assert.Equal(HealthStatus.Degraded, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
        }

        await host.StopAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task TheRegistrationResolvesTheNamedServersCheck()
    {
        using var host = Build(new() { ["Switchboard:Servers:echo:Listen:0"] = "tcp://127.0.0.1:0" }, (s, _) => s.AddServer("echo", "echo"));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var registration = SwitchboardHealthCheck.Registration("echo");

        var result = await registration.Factory(host.Services).CheckHealthAsync(new HealthCheckContext { Registration = registration }, TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("switchboard:echo", registration.Name);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AUserHandlerComesFromTheContainerWithItsDependencies()
    {
        using var host = Build(
            new() { ["Switchboard:Servers:greeter:Listen:0"] = "tcp://127.0.0.1:0" },
            (s, _) => s.AddServer<GreetingHandler>("greeter"),
            b => b.Services.AddSingleton(new Greeting("hello from DI")).AddSingleton<GreetingHandler>());
        await host.StartAsync(TestContext.Current.CancellationToken);
        var server = host.Services.GetRequiredService<SwitchboardServers>()["greeter"];

        Assert.Equal("hello from DI\n", await EchoAsync(server, ""));
        Assert.Same(host.Services.GetRequiredService<GreetingHandler>(), host.Services.GetRequiredService<GreetingHandler>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task StopEndsWithinTheHostsShutdownTimeoutThoughTheDrainIsLonger()
    {
        using var host = Build(
            new() { ["Switchboard:Servers:echo:Listen:0"] = "tcp://127.0.0.1:0", ["Switchboard:Servers:echo:DrainTimeout"] = "10m" },
            (s, _) => s.AddServer("echo", "echo"),
            b => b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMilliseconds(500)));
        await host.StartAsync(TestContext.Current.CancellationToken);
        var server = host.Services.GetRequiredService<SwitchboardServers>()["echo"];
        using var held = await TestClient.ConnectAsync(server.Server!.Listeners[0].Endpoint);
        Assert.True(await Eventually.TrueAsync(() => server.Server.ActiveConnections == 1));

        var watch = Stopwatch.StartNew();
        await host.StopAsync(CancellationToken.None);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"stop took {watch.Elapsed}");
        Assert.True(await IsClosedAsync(held)); // aborted when the host's token cut the drain short
    }

    private static async Task<bool> IsClosedAsync(Socket socket)
    {
        try
        {
            return await socket.ReceiveAsync(new byte[16], TestContext.Current.CancellationToken) == 0;
        }
        catch (SocketException)
        {
            return true; // reset: the abortive close
        }
    }

    public sealed record Greeting(string Text);

    public sealed class GreetingHandler(Greeting greeting) : IStreamHandler
    {
        public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
        {
            await connection.Output.WriteAsync(Encoding.ASCII.GetBytes(greeting.Text + "\n"), cancellationToken);
        }
    }
}
