using Switchboard.Transport;

namespace Switchboard.Handlers;

/// <summary>
/// Serves one stream connection: the counterpart of socketserver's <c>StreamRequestHandler</c>. Write it once as
/// async code; it runs unchanged under every concurrency model. Return to end the connection gracefully (the
/// server flushes <see cref="Connection.Output"/>, half-closes and closes); throw to end it with an error (logged
/// once with the peer). Awaited plainly, the handler's code stays on the thread its model gives it (the select
/// loop, the connection's own thread, the async model's event loop). With <c>ConfigureAwait(false)</c>, code after
/// an await of anything but the connection may go on on the thread pool; calls on the connection are safe from any
/// thread (on an event loop they move to it), so that is a choice, not an error. Under the async model on Linux
/// the handler shares its loop with other connections: it must not block the thread.
/// </summary>
public interface IStreamHandler
{
    /// <summary>Serves <paramref name="connection"/> until the exchange is over.</summary>
    /// <param name="connection">The accepted connection.</param>
    /// <param name="cancellationToken">Fires when the connection is aborted (idle timeout, drain deadline).</param>
    ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken);
}
