using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Tests.Cli;

/// <summary>A server handler written inline by a test: the peer that plays one case of the EOF policy.</summary>
public sealed class ScriptedPeer(
    Func<Connection, CancellationToken, ValueTask>? stream = null,
    Func<Datagram, CancellationToken, ValueTask>? datagram = null) : IStreamHandler, IDatagramHandler
{
    private readonly Func<Datagram, CancellationToken, ValueTask>? _datagram = datagram;

    public ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken) => stream!(connection, cancellationToken);

    public ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken) => _datagram!(datagram, cancellationToken);

    /// <summary>Reads until the peer half-closes; returns the bytes read.</summary>
    public static async Task<byte[]> ReadToEndAsync(Connection connection, CancellationToken cancellationToken)
    {
        var all = new MemoryStream();
        while (true)
        {
            var result = await connection.Input.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                all.Write(segment.Span);
            }

            connection.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return all.ToArray();
            }
        }
    }
}
