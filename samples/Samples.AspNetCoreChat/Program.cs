// An ASP.NET Core app with a chat port beside HTTP. Kestrel serves both, from appsettings.json: the "Http" endpoint
// answers GET / and GET /health (health checks), the "Chat" endpoint is Switchboard's chat (telnet or nc to it; the
// scheme in its Url is Kestrel's convention, the port speaks raw TCP). Override as for any ASP.NET Core app:
//   Samples.AspNetCoreChat --Kestrel:Endpoints:Chat:Url=http://127.0.0.1:0 --Kestrel:Endpoints:Http:Url=http://127.0.0.1:0
// Ctrl-C or SIGTERM stops: the chat tells its members the server is stopping, Kestrel waits for them to go.
using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Switchboard.AspNetCore;
using Switchboard.Chat;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory, // appsettings.json beside the program, wherever it is run from
});

// One chat for the port, its metrics through the host's meter factory (the "Switchboard" meter).
builder.Services.AddSingleton(services => new ChatService(new ChatOptions { MeterFactory = services.GetService<IMeterFactory>() }));
builder.Services.AddHealthChecks();

ListenOptions? chatListener = null;
builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel
    .Configure(context.Configuration.GetSection("Kestrel"))
    .Endpoint("Chat", endpoint =>
    {
        chatListener = endpoint.ListenOptions;
        endpoint.ListenOptions.UseSwitchboard<ChatService>();
    }));

var app = builder.Build();
app.MapGet("/", () => "Switchboard's chat runs beside this page: telnet to the chat port (see the log for it).\n");
app.MapHealthChecks("/health");

await app.StartAsync();
var chatPort = (chatListener?.EndPoint as IPEndPoint)?.Port;
foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
{
    var isChat = chatPort is { } port && new Uri(address).Port == port;
    Console.WriteLine(isChat ? $"listening on tcp://{new Uri(address).Authority} (chat)" : $"listening on {address} (http)");
}

await app.WaitForShutdownAsync();
