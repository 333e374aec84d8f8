using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Handlers;
using Switchboard.Hosting.Internal;
using Switchboard.Serving;

namespace Switchboard.Hosting;

/// <summary>Adds named servers; from <see cref="SwitchboardServiceCollectionExtensions.AddSwitchboard(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/>.</summary>
public sealed class SwitchboardBuilder
{
    private readonly ServerRegistrations _registrations;

    internal SwitchboardBuilder(IServiceCollection services, ServerRegistrations registrations)
    {
        Services = services;
        _registrations = registrations;
    }

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Adds a server serving one of the library's services by name (<c>echo</c>, <c>discard</c>, <c>chargen</c>,
    /// <c>daytime</c>, <c>time</c>, <c>timestamp</c>, <c>chat</c>): <paramref name="service"/>, else the
    /// <c>Switchboard:Servers:NAME:Service</c> key. Its options come from <c>Switchboard:Servers:NAME</c>, then
    /// <paramref name="configure"/>.
    /// </summary>
    public SwitchboardBuilder AddServer(string name, string? service = null, Action<ServerOptions>? configure = null) =>
        Add(new ServerRegistration(name, null, service, configure));

    /// <summary>
    /// Adds a server whose handler is <typeparamref name="THandler"/> (an <see cref="IStreamHandler"/>, an
    /// <see cref="IDatagramHandler"/> or both), taken from the container if registered there, else made with its
    /// constructor's dependencies from it.
    /// </summary>
    public SwitchboardBuilder AddServer<THandler>(string name, Action<ServerOptions>? configure = null)
        where THandler : class
    {
        if (!typeof(IStreamHandler).IsAssignableFrom(typeof(THandler)) && !typeof(IDatagramHandler).IsAssignableFrom(typeof(THandler)))
        {
            throw new ArgumentException($"{typeof(THandler).Name} is neither an IStreamHandler nor an IDatagramHandler", nameof(THandler));
        }

        return Add(new ServerRegistration(name, typeof(THandler), null, configure));
    }

    /// <summary>
    /// Adds a server (by service name, as <see cref="AddServer(string, string?, Action{ServerOptions}?)"/>) for every
    /// section under <c>Switchboard:Servers</c> of <paramref name="configuration"/> not added already: the servers
    /// are then wholly the configuration's.
    /// </summary>
    public SwitchboardBuilder AddServersFromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var section in configuration.GetSection("Switchboard:Servers").GetChildren())
        {
            if (!_registrations.Contains(section.Key))
            {
                AddServer(section.Key);
            }
        }

        return this;
    }

    private SwitchboardBuilder Add(ServerRegistration registration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(registration.Name);
        if (_registrations.Contains(registration.Name))
        {
            throw new ArgumentException($"a Switchboard server named '{registration.Name}' was added already", nameof(registration));
        }

        _registrations.All.Add(registration);
        // One hosted service per server, the registry's instance: the host starts them in the order added.
        Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<SwitchboardServers>()[registration.Name]);
        return this;
    }
}
