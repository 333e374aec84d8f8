using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Cli.Relay;

/// <summary>Adapts a delegate to <see cref="IDatagramHandler"/>, so <c>listen</c> can serve through a <c>Server</c>.</summary>
internal sealed class RelayDatagramHandler(Func<Datagram, CancellationToken, ValueTask> serve) : IDatagramHandler
{
    public ValueTask HandleAsync(Datagram datagram, CancellationToken cancellationToken) => serve(datagram, cancellationToken);
}
