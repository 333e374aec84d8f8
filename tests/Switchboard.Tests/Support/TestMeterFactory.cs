using System.Diagnostics.Metrics;

namespace Switchboard.Tests.Support;

/// <summary>
/// An <see cref="IMeterFactory"/> of the test's own, so a test reads the meters its server made and no other
/// test's (tests run in parallel, and every server's meter is called <c>Switchboard</c>).
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

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var meter = new Meter(options.Name, options.Version, options.Tags, scope: this);
        lock (_lock)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in Meters)
        {
            meter.Dispose();
        }
    }
}
