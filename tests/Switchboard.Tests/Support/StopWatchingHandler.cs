using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Tests.Support;

/// <summary>
/// Serves with <paramref name="inner"/> and completes <see cref="StopSeen"/> when a connection's
/// <see cref="Connection.ServerStopping"/> fires: a test then knows the stop has begun, without guessing how long it takes.
/// </summary>
internal sealed class StopWatchingHandler(IStreamHandler inner) : IStreamHandler
{
    private readonly TaskCompletionSource _stopSeen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a served connection has been told the server is stopping.</summary>
    public Task StopSeen => _stopSeen.Task;

    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        using var seen = connection.ServerStopping.Register(() => _stopSeen.TrySetResult());
        await inner.HandleAsync(connection, cancellationToken);
    }
}
