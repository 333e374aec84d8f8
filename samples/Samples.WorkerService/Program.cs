// A worker service whose servers are all configuration: appsettings.json lists them under Switchboard:Servers, and
// environment variables (Switchboard__Servers__echo__MaxConnections=10) or the command line
// (--Switchboard:Servers:echo:Listen:0=tcp://127.0.0.1:7007) override it, as for any .NET host.
// Usage: Samples.WorkerService [--KEY=VALUE ...]   (Ctrl-C or SIGTERM stops, draining the connections)
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json beside the program, wherever it is run from
});
builder.Services.AddSwitchboard().AddServersFromConfiguration(builder.Configuration);

using var host = builder.Build();
await host.StartAsync();
foreach (var server in host.Services.GetRequiredService<SwitchboardServers>().All)
{
    foreach (var listener in server.Server!.Listeners)
    {
        Console.WriteLine($"listening on {listener.Endpoint} ({server.Name})");
    }
}

await host.WaitForShutdownAsync();
