using Microsoft.Extensions.Logging;
using Switchboard.Serving.Internal;
using Switchboard.Transport;

namespace Switchboard.Serving.Models;

/// <summary>
/// One concurrency model: it decides on which thread each listener's loop and each connection's handler runs.
/// Everything else (admission, limits, handler calls, closing) is <see cref="ServerCore"/>'s.
/// </summary>
internal abstract class ModelRunner(ServerCore core) : IDisposable
{
    protected ServerCore Core { get; } = core;

    /// <summary>Completes when every listener's loop has ended.</summary>
    public abstract Task Completion { get; }

    /// <param name="options">The model, its loops and their backend.</param>
    /// <param name="core">What every model shares.</param>
    /// <param name="logger">Where the event loops log work that threw.</param>
    public static ModelRunner Create(ServerOptions options, ServerCore core, ILogger logger) => options.Model switch
    {
        ConcurrencyModel.Sequential => new SequentialModel(core, options.LoopBackend, logger),
        ConcurrencyModel.Threads => new ThreadPerConnectionModel(core),
        ConcurrencyModel.Select => new SelectModel(core, options.LoopBackend, logger),
        _ => new AsyncModel(core, options.AsyncLoops, options.LoopBackend, logger),
    };

    public abstract void Start(IReadOnlyList<Listener> listeners);

    /// <summary>Closes the listeners (on the thread that owns them); live connections go on.</summary>
    public abstract void StopAccepting(IReadOnlyList<Listener> listeners);

    public virtual void Dispose()
    {
    }
}
