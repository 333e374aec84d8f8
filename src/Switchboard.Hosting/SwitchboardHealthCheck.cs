using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.Hosting;

/// <summary>
/// A server's health: healthy while listening, degraded at or above <see cref="DegradedFraction"/> of its connection
/// limit (new clients may soon be turned away), unhealthy before start and once stopped.
/// </summary>
public sealed class SwitchboardHealthCheck : IHealthCheck
{
    private readonly SwitchboardHostedServer _server;

    /// <summary>Creates the check for <paramref name="server"/>.</summary>
    public SwitchboardHealthCheck(SwitchboardHostedServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
    }

    /// <summary>The share of the connection limit in use from which the server reports degraded. Defaults to 0.9.</summary>
    public double DegradedFraction { get; init; } = 0.9;

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_server.State != SwitchboardServerState.Listening || _server.Server is not { } server)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{_server.Name}: {_server.State.ToString().ToLowerInvariant()}"));
        }

        var active = server.ActiveConnections;
        var max = server.EffectiveMaxConnections;
        var data = new Dictionary<string, object> { ["connections"] = active, ["max_connections"] = max, ["listeners"] = server.Listeners.Count };
        var description = $"{_server.Name}: {active} of {max} connections";
        return Task.FromResult(active >= DegradedFraction * max
            ? HealthCheckResult.Degraded(description, data: data)
            : HealthCheckResult.Healthy(description, data));
    }

    /// <summary>
    /// A registration of the check of the server named <paramref name="serverName"/>, for the application's health-check
    /// service: <c>services.AddHealthChecks().Add(SwitchboardHealthCheck.Registration("echo"))</c>. Named
    /// <c>switchboard:NAME</c>, tagged <c>switchboard</c>.
    /// </summary>
    public static HealthCheckRegistration Registration(string serverName)
    {
        ArgumentNullException.ThrowIfNull(serverName);
        return new HealthCheckRegistration(
            $"switchboard:{serverName}",
            services => new SwitchboardHealthCheck(services.GetRequiredService<SwitchboardServers>()[serverName]),
            failureStatus: null,
            tags: ["switchboard"]);
    }
}
