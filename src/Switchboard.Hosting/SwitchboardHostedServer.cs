using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Chat;
using Switchboard.Handlers;
using Switchboard.Hosting.Internal;
using Switchboard.Security;
using Switchboard.Services;
using Switchboard.Serving;

namespace Switchboard.Hosting;

/// <summary>
/// One named <see cref="Serving.Server"/> run by the host: started with the host (options read from
/// <c>Switchboard:Servers:NAME</c>, its <c>Tls</c> and <c>Chat</c> sections too, then the code's configuration, then
/// validated), stopped within the host's shutdown
/// token: the drain ends when the token fires. When the configuration reloads, the limits (<see cref="ServerLimits"/>)
/// reload into the running server; a change to anything else (listeners, model, service, transport, TLS) is logged
/// once as needing a restart, and a bad value once as an error naming its key (the limits in force stay).
/// </summary>
public sealed class SwitchboardHostedServer : IHostedService, IDisposable
{
    private readonly ServerRegistration _registration;
    private readonly IServiceProvider _services;
    private IDisposable? _ownedHandler;
    private LimitsReloader? _reloader;
    private volatile SwitchboardServerState _state;

    internal SwitchboardHostedServer(ServerRegistration registration, IServiceProvider services)
    {
        _registration = registration;
        _services = services;
    }

    /// <summary>The server's name: its configuration section is <c>Switchboard:Servers:NAME</c>.</summary>
    public string Name => _registration.Name;

    /// <summary>The running server (its <see cref="Server.Listeners"/> give the bound endpoints); null before start.</summary>
    public Server? Server { get; private set; }

    /// <summary>Whether it is listening, not yet started, or stopped.</summary>
    public SwitchboardServerState State => _state;

    /// <summary>The configuration section this server reads.</summary>
    public string ConfigurationPath => $"Switchboard:Servers:{Name}";

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The Generic Host registers its configuration; without one there is nothing to bind.
        var configuration = _services.GetService<IConfiguration>() ?? throw new InvalidOperationException("Switchboard servers need an IConfiguration in the container (the Generic Host registers one)");
        var section = configuration.GetSection(ConfigurationPath);
        var options = ReadOptions(section, withTls: true);
        var serviceOptions = new ServiceOptions();
        ServerOptionsBinder.Bind(section, serviceOptions);
        var chatOptions = new ChatOptions { MeterFactory = options.MeterFactory };
        ServerOptionsBinder.Bind(section, chatOptions);
        if (options.Listen.Count == 0 && options.InheritedListeners.Count == 0)
        {
            throw new SwitchboardConfigurationException($"{ConfigurationPath}:Listen", "is empty: give at least one endpoint, e.g. tcp://127.0.0.1:7007");
        }

        ServerOptionsBinder.Validate(section, options, serviceOptions, chatOptions);
        var loggers = _services.GetService<ILoggerFactory>();
        var logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Hosting");
        if (options.Tls is { Certificate: { } inMemory, CertificatePath: null } && section.GetSection($"{ServerOptionsBinder.TlsSection}:{ServerOptionsBinder.SelfSignedKey}").Value is not null)
        {
            HostingLog.SelfSigned(logger, ConfigurationPath, TlsCertificates.Sha256Fingerprint(inMemory));
        }

        var (stream, datagram) = CreateHandlers(section, serviceOptions, chatOptions);
        var server = new Server(options, stream, datagram, loggers);
        server.Start();
        Server = server;
        _state = SwitchboardServerState.Listening;
        _reloader = new LimitsReloader(section, configuration, server, s => ReadOptions(s, withTls: false), logger);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The server's options as the section and then the code give them; at start and at each reload (which reads the
    /// limits only, so leaves TLS out: <c>Tls:SelfSigned</c> would make a certificate each time).
    /// </summary>
    private ServerOptions ReadOptions(IConfigurationSection section, bool withTls)
    {
        ServerOptionsBinder.ThrowOnUnknownKeys(section, "Service");
        var options = new ServerOptions
        {
            ServiceName = Name,
            MeterFactory = _services.GetService<IMeterFactory>(),
        };
        ServerOptionsBinder.Bind(section, options);
        if (withTls)
        {
            ServerOptionsBinder.BindTls(section, options);
        }

        _registration.Configure?.Invoke(options);
        return options;
    }

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _state = SwitchboardServerState.Stopped;
        _reloader?.Dispose();
        _reloader = null;
        if (Server is { } server)
        {
            // The host's token ends the drain: connections still open when it fires are aborted.
            await server.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        _ownedHandler?.Dispose();
        _ownedHandler = null;
    }

    /// <summary>Stops watching the configuration (the container calls it; <see cref="StopAsync"/> does too).</summary>
    public void Dispose()
    {
        _reloader?.Dispose();
        _reloader = null;
    }

    private (IStreamHandler? Stream, IDatagramHandler? Datagram) CreateHandlers(IConfiguration section, ServiceOptions serviceOptions, ChatOptions chatOptions)
    {
        if (_registration.HandlerType is { } type)
        {
            // The application's handler, from its container (or made with its dependencies from there); it owns it.
            var handler = _services.GetService(type) ?? ActivatorUtilities.CreateInstance(_services, type);
            return (handler as IStreamHandler, handler as IDatagramHandler);
        }

        var name = _registration.Service ?? section[nameof(_registration.Service)];
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new SwitchboardConfigurationException($"{ConfigurationPath}:Service", "is missing: name a service (" + string.Join(", ", ServiceCatalog.Names) + ") or add the server with a handler type");
        }

        if (ServiceCatalog.Create(name, serviceOptions, chatOptions) is not { } service)
        {
            throw new SwitchboardConfigurationException($"{ConfigurationPath}:Service", $"'{name}' is not a service (" + string.Join(", ", ServiceCatalog.Names) + ")");
        }

        _ownedHandler = service.StreamHandler as IDisposable;
        return (service.StreamHandler, service.DatagramHandler);
    }
}
