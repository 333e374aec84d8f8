using Switchboard.Hosting.Internal;

namespace Switchboard.Hosting;

/// <summary>The named servers <see cref="SwitchboardServiceCollectionExtensions.AddSwitchboard(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/> registered, from dependency injection.</summary>
public sealed class SwitchboardServers
{
    private readonly Dictionary<string, SwitchboardHostedServer> _byName = new(StringComparer.OrdinalIgnoreCase);

    internal SwitchboardServers(ServerRegistrations registrations, IServiceProvider services)
    {
        foreach (var registration in registrations.All)
        {
            _byName.Add(registration.Name, new SwitchboardHostedServer(registration, services));
        }
    }

    /// <summary>Every server, in the order they were added.</summary>
    public IEnumerable<SwitchboardHostedServer> All => _byName.Values;

    /// <summary>The server named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> for a name never added.</summary>
    public SwitchboardHostedServer this[string name] =>
        _byName.TryGetValue(name, out var server) ? server : throw new KeyNotFoundException($"no Switchboard server named '{name}' was added");
}
