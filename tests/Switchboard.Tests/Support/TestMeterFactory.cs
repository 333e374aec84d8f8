using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace Switchboard.Tests.Support;

/// <summary>
/// An <see cref="IMeterFactory"/> of the test's own, so a test reads the meters its server made and no other
/// test's (tests run in parallel, and every server's meter is called <c>Switchboard</c>). Like the host's factory
/// from dependency injection, it hands out one meter per name and version, so a server and a chat given the same
/// factory share a meter.
/// </summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly Lock _lock = new();
    private readonly List<Meter> _meters = [];

    /// <summary>The meters made so far, in order.</summary>
    public IReadOnlyList<Meter> Meters
    {
        get
        {
            lock (_lock)
            {
                return [.. _meters];
            }
        }
    }

    /// <summary>
    /// Collects <paramref name="instrument"/> of the <c>Switchboard</c> meter this factory makes, whether the
    /// server that makes it has started yet or not.
    /// </summary>
    public MetricCollector<long> Collect(string instrument) => new(this, "Switchboard", instrument);

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        lock (_lock)
        {
            var existing = _meters.Find(m => m.Name == options.Name && m.Version == options.Version);
            if (existing is not null)
            {
                return existing;
            }

            var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
            _meters.Add(meter);
            return meter;
        }
    }

    public void Dispose()
    {
        foreach (var meter in Meters)
        {
            meter.Dispose();
        }
    }
}
