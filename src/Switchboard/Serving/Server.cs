using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Endpoints;
using Switchboard.Handlers;
using Switchboard.Options;
using Switchboard.Security;
using Switchboard.Security.Internal;
using Switchboard.Serving.Internal;
using Switchboard.Serving.Models;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

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
    private ConnectionBudget _budget;

    // Completed when a caller's stop token fires: the drain ends there, whatever time it had left.
    private readonly TaskCompletionSource _drainCut = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    /// <summary>
    /// Connections closed at accept: the server was full (<see cref="EffectiveMaxConnections"/>) with no connection to
    /// evict, or their address was at <see cref="ServerOptions.MaxConnectionsPerAddress"/>.
    /// </summary>
    public long RejectedConnections => _core?.RejectedConnections ?? 0;

    /// <summary>
    /// Connections served at once: <see cref="ServerOptions.MaxConnections"/>, or fewer when that many cannot fit
    /// under the open-file limit (see <see cref="ServerOptions.DescriptorReserve"/>). Known once started.
    /// </summary>
    public int EffectiveMaxConnections => _core?.MaxConnections ?? _options.MaxConnections;

    /// <summary>
    /// The limits in force: those of <see cref="ServerOptions"/> until <see cref="UpdateLimits"/> changes them.
    /// </summary>
    public ServerLimits Limits => _core?.Limits ?? ServerLimits.From(_options);

    /// <summary>
    /// Changes the limits of the running server, all at once, from the next decision each governs: new connections
    /// meet the new connection limits, the heartbeat the new idle timeout, the next stop the new drain time, the next
    /// datagram the new reply rate. No live connection is closed for it: below the live count, a lower
    /// <see cref="ServerLimits.MaxConnections"/> refuses newcomers until enough have ended (and evicts no one).
    /// Safe from any thread. The options the server was made with are left as they were.
    /// </summary>
    /// <exception cref="OptionOutOfRangeException">A value is out of its range (named as the option); nothing changed.</exception>
    /// <exception cref="InvalidOperationException">The server has not been started: set <see cref="ServerOptions"/> instead.</exception>
    public void UpdateLimits(ServerLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.Validate();
        lock (_stateLock)
        {
            var core = _core ?? throw new InvalidOperationException("the server has not been started: set its ServerOptions");
            var old = core.Limits;
            if (old == limits)
            {
                return;
            }

            // Fitted to the open-file limit as at start (against what was open then, not the live connections).
            var budget = ConnectionBudget.Compute(limits.MaxConnections, _options.DescriptorReserve, _budget.Limit, _budget.OpenAtStart);
            if (budget.Lowered && budget.Effective != core.MaxConnections)
            {
                ServerLog.DescriptorLimitTooLow(_logger, budget.Requested, budget.Limit ?? 0, budget.OpenAtStart, budget.Reserve, budget.Effective);
            }

            core.UpdateLimits(limits, budget.Effective);
            if (_listeners.Any(l => !l.Kind.IsStream()))
            {
                _guard!.UpdateRate(limits.DatagramReplyRate, limits.DatagramReplyBurst);
            }

            ServerLog.LimitsUpdated(_logger, _options.ServiceName, LimitChanges.Describe(old, limits));
        }
    }

    /// <summary>The certificate new TLS connections get; null before start or without a tls:// endpoint.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TlsCertificate => _core?.Tls?.Certificate;

    /// <summary>
    /// Reads the TLS certificate and key (and the client CA file) again from the files of
    /// <see cref="ServerOptions.Tls"/>: connections accepted from now on get the new certificate, live ones keep
    /// theirs. Returns false when loading failed: the old certificate stays in use and the reason is logged at
    /// warning. Safe from any thread (the tool calls it on SIGHUP). False too before start or without TLS.
    /// </summary>
    public bool ReloadTlsCertificate()
    {
        if (_core?.Tls is not { } tls)
        {
            return false;
        }

        try
        {
            var certificate = tls.Reload();
            TlsLog.Reloaded(_logger, certificate.Subject, TlsCertificates.Sha256Fingerprint(certificate));
            return true;
        }
        catch (Exception e) when (e is TlsCertificateException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            TlsLog.ReloadFailed(_logger, e.Message.ReplaceLineEndings(" "));
            return false;
        }
    }

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
            if (_options.RaiseDescriptorLimit)
            {
                DescriptorLimit.RaiseSoftToHard();
            }

            BindAll();
            var budget = _budget = ConnectionBudget.Compute(_options.MaxConnections, _options.DescriptorReserve, DescriptorLimit.Soft(), DescriptorLimit.OpenNow());
            if (budget.Lowered)
            {
                ServerLog.DescriptorLimitTooLow(_logger, budget.Requested, budget.Limit ?? 0, budget.OpenAtStart, budget.Reserve, budget.Effective);
            }

            var ownDatagramPorts = _listeners.Where(l => l.Kind == TransportKind.Udp).Select(l => l.Endpoint.Port);
            // The source table (1.5 MiB, allocated once) only where datagrams are served: a stream-only server needs none.
            var replyRate = _listeners.Any(l => !l.Kind.IsStream()) ? _options.DatagramReplyRate : 0;
            _guard = new DatagramReplyGuard(ownDatagramPorts, replyRate, _options.DatagramReplyBurst, _options.DatagramReplyLimitLoopback);
            TlsServerCredentials? tls;
            try
            {
                // Loaded before anything serves: a missing or bad certificate is a start failure, like a bind.
                tls = _listeners.Any(l => l.Kind == TransportKind.Tls) ? new TlsServerCredentials(_options.Tls!) : null;
            }
            catch
            {
                AbandonStart();
                throw;
            }

            _core = new ServerCore(_options, budget.Effective, _streamHandler, _datagramHandler, _logger, _guard) { Tls = tls };
            try
            {
                _model = ModelRunner.Create(_options, _core, _logger);
                _model.Start(_listeners);
            }
            catch
            {
                // Not started: release what was taken, and leave nothing for StopAsync to stop (it would meet a
                // half-built model and hide this error behind its own).
                AbandonStart();
                throw;
            }

            // Idle connections, lines past their deadline and held-back log counts are found by one heartbeat
            // (Kestrel's approach), not a timer per connection.
            var period = TimeSpan.FromMilliseconds(_options.IdleTimeout > TimeSpan.Zero ? Math.Clamp(_options.IdleTimeout.TotalMilliseconds / 4, 50, 500) : 500);
            var core = _core;
            _heartbeat = new Timer(_ => core.Sweep(), null, period, period);

            foreach (var listener in _listeners)
            {
                ServerLog.Listening(_logger, _options.ServiceName, Describe(listener), _options.Model.ToString().ToLowerInvariant());
            }
        }
    }

    /// <summary>
    /// Stops gracefully: closes the listeners (removing Unix socket files), lets live connections finish for up to
    /// <see cref="ServerOptions.DrainTimeout"/>, then aborts the rest. Safe to call more than once and from any
    /// thread — but not from a handler running under the sequential model, which would wait for itself.
    /// </summary>
    /// <param name="cancellationToken">
    /// Ends the graceful part: once it fires, the drain stops at once and the connections still open are aborted
    /// (reason <see cref="CloseReason.Drain"/>), as when <see cref="ServerOptions.DrainTimeout"/> runs out. The
    /// returned task still completes normally when the server has stopped; it does not throw
    /// <see cref="OperationCanceledException"/>. Any caller's token cuts the one shared stop short.
    /// </param>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task stopping;
        lock (_stateLock)
        {
            stopping = _stopping ??= _core is null ? Task.CompletedTask : StopCoreAsync();
        }

        using var cut = cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), _drainCut);
        await stopping.ConfigureAwait(false);
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

        // The stopping token has fired by now; passing it on would skip the drain it asks for.
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
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
        if (_options.Listen.Count == 0 && _options.InheritedListeners.Count == 0)
        {
            throw new InvalidOperationException("no endpoint to listen on");
        }

        foreach (var endpoint in _options.Listen)
        {
            if (endpoint.Kind.IsStream() && _streamHandler is null)
            {
                throw new ArgumentException($"{_options.ServiceName} does not serve stream sockets ({endpoint})");
            }

            if (endpoint.Kind.IsStream() && _streamHandler is IEndpointCheck check)
            {
                check.Check(endpoint);
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

            AdoptInherited();
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

    /// <summary>
    /// The sockets handed over (<see cref="ServerOptions.InheritedListeners"/>), each descriptor once; their kinds are
    /// known only now, so the handler check for them is made here.
    /// </summary>
    private void AdoptInherited()
    {
        var descriptors = _options.InheritedListeners.SelectMany(Systemd.SocketActivation.Resolve).Distinct().ToList();
        foreach (var descriptor in descriptors)
        {
            var listener = ListenerFactory.Adopt(descriptor, _options.Transport);
            _listeners.Add(listener);
            if (listener.Kind.IsStream() ? _streamHandler is null : _datagramHandler is null)
            {
                var what = listener.Kind.IsStream() ? "stream" : "datagram";
                throw new ArgumentException($"{_options.ServiceName} does not serve {what} sockets ({Describe(listener)})");
            }
        }
    }

    /// <summary>The endpoint, and the descriptor it came in on when it was handed over: <c>tcp://127.0.0.1:80 (fd 3)</c>.</summary>
    private static string Describe(Listener listener) =>
        listener.Descriptor is { } fd ? $"{listener.Endpoint} (fd {fd})" : listener.Endpoint.ToString();

    private void AbandonStart()
    {
        _model?.Dispose();
        _core?.Dispose();
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        _listeners.Clear();
        _model = null;
        _core = null;
        _guard = null;
    }

    private async Task StopCoreAsync()
    {
        var core = _core!;
        var model = _model!;
        var drainTimeout = core.Limits.DrainTimeout;
        core.BeginStopping();
        model.StopAccepting(_listeners);
        if (core.ActiveConnections > 0)
        {
            ServerLog.Draining(_logger, core.ActiveConnections, drainTimeout.TotalSeconds);
        }

        using var drainTimer = new CancellationTokenSource();
        await Task.WhenAny(core.Drained, Task.Delay(drainTimeout, drainTimer.Token), _drainCut.Task).ConfigureAwait(false);
        await drainTimer.CancelAsync().ConfigureAwait(false); // a 10-minute drain cut short leaves no timer behind
        if (!core.Drained.IsCompleted)
        {
            if (_drainCut.Task.IsCompleted)
            {
                ServerLog.DrainCut(_logger, core.ActiveConnections);
            }
            else
            {
                ServerLog.DrainExpired(_logger, core.ActiveConnections);
            }

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
    }
}
