using Microsoft.Extensions.DependencyInjection;
using Switchboard.Hosting.Internal;

namespace Switchboard.Hosting;

/// <summary><c>services.AddSwitchboard()</c>: Switchboard servers as hosted services.</summary>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SwitchboardServers"/> and returns the builder on which servers are added by name; each
    /// is an <see cref="Microsoft.Extensions.Hosting.IHostedService"/> reading <c>Switchboard:Servers:NAME</c>, logging
    /// through the host's <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/> and metering through its
    /// <see cref="System.Diagnostics.Metrics.IMeterFactory"/>. Calling it again adds to the same servers.
    /// </summary>
    public static SwitchboardBuilder AddSwitchboard(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registrations = services.FirstOrDefault(d => d.ServiceType == typeof(ServerRegistrations))?.ImplementationInstance as ServerRegistrations;
        if (registrations is null)
        {
            registrations = new ServerRegistrations();
            services.AddSingleton(registrations);
            services.AddSingleton(sp => new SwitchboardServers(registrations, sp));
        }

        return new SwitchboardBuilder(services, registrations);
    }

    /// <summary>
    /// <see cref="AddSwitchboard(IServiceCollection)"/>, then <paramref name="configure"/> on its builder.
    /// </summary>
    public static IServiceCollection AddSwitchboard(this IServiceCollection services, Action<SwitchboardBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(services.AddSwitchboard());
        return services;
    }
}
