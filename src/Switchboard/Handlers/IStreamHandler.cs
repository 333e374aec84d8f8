using Switchboard.Transport;

namespace Switchboard.Handlers;

/// <summary>
/// Serves one stream connection: the counterpart of socketserver's <c>StreamRequestHandler</c>. Write it once as
/// async code; it runs unchanged under every concurrency model. Return to end the connection gracefully (the
/// server flushes <see cref="Connection.Output"/>, half-closes and closes); throw to end it with an error (logged
/// once with the peer). Do not use <c>ConfigureAwait(false)</c>: under the select and thread models the handler's
/// code must stay on the thread the model gives it.
/// </summary>
public interface IStreamHandler
{
    /// <summary>Serves <paramref name="connection"/> until the exchange is over.</summary>
    /// <param name="connection">The accepted connection.</param>
    /// <param name="cancellationToken">Fires when the connection is aborted (idle timeout, drain deadline).</param>
    ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken);
}
