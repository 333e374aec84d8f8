using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Services;

/// <summary>RFC 863 discard: everything received is thrown away, nothing is ever sent.</summary>
public sealed class DiscardService : IStreamHandler, IDatagramHandler
{
    /// <inheritdoc/>
    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        while (true)
        {
            var result = await connection.Input.ReadAsync(cancellationToken);
            connection.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
