using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Serving.Internal;
using Switchboard.Serving.Models;
using Switchboard.Transport;

namespace Switchboard.Serving;

/// <summary>
/// Runs listeners under one <see cref="ConcurrencyModel"/>, applies the limits of <see cref="ServerOptions"/>, and
/// drains on stop. For callers: <see cref="Start"/>, <see cref="Listeners"/>, <see cref="StopAsync"/> (or
/// <see cref="RunAsync"/> for all three). The handlers are the hooks.
/// </summary>
public sealed class Server : IAsyncDisposable
{
    private readonly ServerOptions _options;
    private readonly IStreamHandler? _streamHandler;
    private readonly IDatagramHandler? _datagramHandler;
    private readonly ILogger _logger;
    private readonly List<Listener> _listeners = [];
    private readonly Lock _stateLock = new();
    private ServerCore? _core;
    private ModelRunner? _model;
    private DatagramReplyGuard? _guard;
    private Timer? _heartbeat;
    private Task? _stopping;

    /// <summary>Creates a server; nothing is bound until <see cref="Start"/>.</summary>
    /// <param name="options">Endpoints, model and limits. Read at <see cref="Start"/>.</param>
    /// <param name="streamHandler">Serves tcp and unix connections; required when such an endpoint is listed.</param>
    /// <param name="datagramHandler">Serves udp and unixgram datagrams; required when such an endpoint is listed.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    public Server(ServerOptions options, IStreamHandler? streamHandler, IDatagramHandler? datagramHandler, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _streamHandler = streamHandler;
        _datagramHandler = datagramHandler;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Server");
    }

    /// <summary>The bound listeners, in the order of <see cref="ServerOptions.Listen"/>, with their real endpoints.</summary>
    public IReadOnlyList<Listener> Listeners => _listeners;

    /// <summary>Stream connections being served now.</summary>
    public int ActiveConnections => _core?.ActiveConnections ?? 0;

    /// <summary>Connections closed at accept because <see cref="ServerOptions.MaxConnections"/> was reached.</summary>
    public long RejectedConnections => _core?.RejectedConnections ?? 0;

    internal Meter? Meter => _core?.Metrics.Meter;

    /// <summary>
    /// Binds every endpoint and starts serving. If any endpoint cannot be bound, the ones already bound are closed
    /// and <see cref="ListenerBindException"/> says which endpoint failed and why.
    /// </summary>
    public void Start()
    {
        lock (_stateLock)
        {
            if (_core is not null)
            {
                throw new InvalidOperationException("the server has already been started");
            }

            _options.Validate();
            CheckHandlers();
            BindAll();
            var ownDatagramPorts = _listeners.Where(l => l.Kind == TransportKind.Udp).Select(l => l.Endpoint.Port);
            _guard = new DatagramReplyGuard(ownDatagramPorts, _options.DatagramReplyRate, _options.DatagramReplyBurst);
            _core = new ServerCore(_options, _streamHandler, _datagramHandler, _logger, _guard);
            _model = ModelRunner.Create(_options, _core);
            _model.Start(_listeners);
            if (_options.IdleTimeout > TimeSpan.Zero)
            {
                var period = TimeSpan.FromMilliseconds(Math.Clamp(_options.IdleTimeout.TotalMilliseconds / 4, 50, 1000));
                _heartbeat = new Timer(_ => CloseIdleConnections(), null, period, period);
            }

            foreach (var listener in _listeners)
            {
                ServerLog.Listening(_logger, _options.ServiceName, listener.Endpoint.ToString(), _options.Model.ToString().ToLowerInvariant());
            }
        }
    }

    /// <summary>
    /// Stops gracefully: closes the listeners (removing Unix socket files), lets live connections finish for up to
    /// <see cref="ServerOptions.DrainTimeout"/>, then aborts the rest. Safe to call more than once and from any
    /// thread — but not from a handler running under the sequential model, which would wait for itself.
    /// </summary>
    public Task StopAsync()
    {
        lock (_stateLock)
        {
            return _stopping ??= _core is null ? Task.CompletedTask : StopCoreAsync();
        }
    }

    /// <summary>Starts (if not yet started), serves until <paramref name="stoppingToken"/> fires, then stops gracefully.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        if (_core is null)
        {
            Start();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_core is null)
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }
        }
    }

    private void CheckHandlers()
    {
        if (_options.Listen.Count == 0)
        {
            throw new InvalidOperationException("no endpoint to listen on");
        }

        foreach (var endpoint in _options.Listen)
        {
            if (endpoint.Kind.IsStream() && _streamHandler is null)
            {
                throw new ArgumentException($"{_options.ServiceName} does not serve stream sockets ({endpoint})");
            }

            if (!endpoint.Kind.IsStream() && _datagramHandler is null)
            {
                throw new ArgumentException($"{_options.ServiceName} does not serve datagram sockets ({endpoint})");
            }
        }
    }

    private void BindAll()
    {
        try
        {
            foreach (var endpoint in _options.Listen)
            {
                _listeners.Add(ListenerFactory.Bind(endpoint, _options.Transport));
            }
        }
        catch
        {
            foreach (var listener in _listeners)
            {
                listener.Dispose();
            }

            _listeners.Clear();
            throw;
        }
    }

    private void CloseIdleConnections()
    {
        var core = _core!;
        var now = Environment.TickCount64;
        var limit = (long)_options.IdleTimeout.TotalMilliseconds;
        foreach (var connection in core.LiveConnections)
        {
            var idle = now - connection.LastActivityTicks;
            if (idle >= limit && !connection.TryHandleIdle(_options.IdleTimeout) && connection.TrySetReason(CloseReason.Idle))
            {
                ServerLog.ConnectionIdle(_logger, connection.Id, connection.RemoteText, Math.Round(idle / 1000.0, 1));
                connection.Abort(CloseReason.Idle);
            }
        }
    }

    private async Task StopCoreAsync()
    {
        var core = _core!;
        var model = _model!;
        core.BeginStopping();
        model.StopAccepting(_listeners);
        if (core.ActiveConnections > 0)
        {
            ServerLog.Draining(_logger, core.ActiveConnections, _options.DrainTimeout.TotalSeconds);
        }

        await Task.WhenAny(core.Drained, Task.Delay(_options.DrainTimeout)).ConfigureAwait(false);
        if (!core.Drained.IsCompleted)
        {
            ServerLog.DrainExpired(_logger, core.ActiveConnections);
            foreach (var connection in core.LiveConnections)
            {
                connection.Abort(CloseReason.Drain);
            }

            await Task.WhenAny(core.Drained, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        }

        if (_heartbeat is not null)
        {
            await _heartbeat.DisposeAsync().ConfigureAwait(false);
        }

        await Task.WhenAny(model.Completion, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        model.Dispose();
        core.Dispose();
        _guard?.Dispose();
    }
}
