using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Switchboard.Endpoints;

namespace Switchboard.Tests.AspNetCore;

/// <summary>
/// A real ASP.NET Core app with one Kestrel listener on 127.0.0.1 port 0, configured by the test (e.g.
/// <c>l => l.UseSwitchboard(new EchoService())</c>); its bound endpoint read back after start, its logs collected.
/// </summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ListenOptions _listener;

    private KestrelHost(WebApplication app, ListenOptions listener, bool tls)
    {
        _app = app;
        _listener = listener;
        var bound = (IPEndPoint)listener.EndPoint;
        Endpoint = EndpointUri.ForIp(tls ? TransportKind.Tls : TransportKind.Tcp, bound.Address, bound.Port);
    }

    /// <summary>The listener as bound: its real port.</summary>
    public EndpointUri Endpoint { get; }

    /// <summary>What the app logged (every level).</summary>
    public FakeLogCollector Logs => _app.Services.GetFakeLogCollector();

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app; <paramref name="tls"/> only says which scheme <see cref="Endpoint"/> gets.</summary>
    public static async Task<KestrelHost> StartAsync(Action<ListenOptions> configure, Action<IServiceCollection>? services = null, bool tls = false)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore();
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddFakeLogging();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
        services?.Invoke(builder.Services);
        ListenOptions? listener = null;
        builder.WebHost.ConfigureKestrel(o => o.Listen(IPAddress.Loopback, 0, l =>
        {
            listener = l;
            configure(l);
        }));
        var app = builder.Build();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new KestrelHost(app, listener!, tls);
    }

    /// <summary>Stops the app as the host's shutdown does (Kestrel closes its connections, then waits for them).</summary>
    public Task StopAsync() => _app.StopAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
