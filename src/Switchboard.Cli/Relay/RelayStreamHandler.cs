using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Cli.Relay;

/// <summary>Adapts a delegate to <see cref="IStreamHandler"/>, so <c>listen</c> can serve through a <c>Server</c>.</summary>
internal sealed class RelayStreamHandler(Func<Connection, CancellationToken, ValueTask> serve) : IStreamHandler
{
    public ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken) => serve(connection, cancellationToken);
}
