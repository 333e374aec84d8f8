using System.Diagnostics.Metrics;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>
/// The <c>Switchboard</c> meter's instruments, shaped like Kestrel's (readable with
/// <c>dotnet-counters monitor --counters Switchboard</c>). Peer addresses stay out of attributes: cardinality.
/// </summary>
internal sealed class ServerMetrics : ITrafficSink, IDisposable
{
    public const string MeterName = "Switchboard";

    /// <summary>Every close's reason, errors or not (<see cref="CloseReasonNames.ToName"/>).</summary>
    public const string CloseReasonAttribute = "switchboard.close.reason";

    /// <summary>Why a connection or datagram was turned away unserved (rejected at accept, dropped unanswered).</summary>
    public const string DropReasonAttribute = "switchboard.drop.reason";

    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _closed;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _datagrams;
    private readonly Counter<long> _datagramsDropped;
    private readonly KeyValuePair<string, object?> _service;
    private readonly bool _ownsMeter;

    /// <summary>The meter comes from <paramref name="factory"/> when given (which then owns it), else is our own.</summary>
    public ServerMetrics(string service, IMeterFactory? factory = null)
    {
        _ownsMeter = factory is null;
        Meter = factory?.Create(new MeterOptions(MeterName)) ?? new Meter(MeterName);
        _service = new("switchboard.service", service);
        _active = Meter.CreateUpDownCounter<long>("switchboard.active_connections", "{connection}", "Connections being served now.");
        _accepted = Meter.CreateCounter<long>("switchboard.connections.accepted", "{connection}", "Connections accepted and admitted.");
        _closed = Meter.CreateCounter<long>("switchboard.connections.closed", "{connection}", "Connections closed, by reason (switchboard.close.reason; error.type too when the close is an error).");
        _rejected = Meter.CreateCounter<long>("switchboard.connections.rejected", "{connection}", "Connections closed at accept because a limit was reached, by reason (switchboard.drop.reason).");
        _bytes = Meter.CreateCounter<long>("switchboard.connection.io", "By", "Bytes moved on stream connections (network.io.direction).");
        _datagrams = Meter.CreateCounter<long>("switchboard.datagrams", "{datagram}", "Datagrams received and sent (network.io.direction).");
        _datagramsDropped = Meter.CreateCounter<long>("switchboard.datagrams.dropped", "{datagram}", "Datagrams not answered, by reason (switchboard.drop.reason).");
    }

    public Meter Meter { get; }

    public void ConnectionAccepted()
    {
        _accepted.Add(1, _service);
        _active.Add(1, _service);
    }

    public void ConnectionClosed(CloseReason reason)
    {
        _active.Add(-1, _service);
        var name = reason.ToName();
        if (reason.IsError())
        {
            _closed.Add(1, _service, new(CloseReasonAttribute, name), new("error.type", name));
        }
        else
        {
            // OpenTelemetry reserves error.type for failed operations: a normal close must not carry it at all.
            _closed.Add(1, _service, new(CloseReasonAttribute, name));
        }
    }

    public void ConnectionRejected() => _rejected.Add(1, _service, new(DropReasonAttribute, "max_connections"));

    // Twice per message: with no listener (the common case) the tags are not even built.
    public void OnReceived(long bytes)
    {
        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, _service, new("network.io.direction", "receive"));
        }
    }

    public void OnSent(long bytes)
    {
        if (_bytes.Enabled)
        {
            _bytes.Add(bytes, _service, new("network.io.direction", "transmit"));
        }
    }

    public void DatagramReceived() => _datagrams.Add(1, _service, new("network.io.direction", "receive"));

    public void DatagramSent() => _datagrams.Add(1, _service, new("network.io.direction", "transmit"));

    public void DatagramDropped(string reason) => _datagramsDropped.Add(1, _service, new(DropReasonAttribute, reason));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }
}
