using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Endpoints;
using Switchboard.Framing;
using Switchboard.Handlers;
using Switchboard.Transport;
using Switchboard.Transport.Internal;

namespace Switchboard.Serving.Internal;

/// <summary>
/// What every concurrency model shares, in socketserver's template-method order: get the request (accept or
/// receive), verify it (limits), process it (the handler), finish it (close with a reason, release the slot).
/// The models decide only which thread runs each step.
/// </summary>
internal sealed partial class ServerCore : IDisposable
{
    /// <summary>How far evictions may take the count over the limit while their victims are still closing.</summary>
    private const int EvictionHeadroom = 16;

    private readonly ServerOptions _options;
    private readonly IStreamHandler? _streamHandler;
    private readonly IDatagramHandler? _datagramHandler;
    private readonly ILogger _logger;
    private readonly LogThrottle _throttle;
    private volatile ServerLimits _limits;
    private volatile int _maxConnections;
    private readonly ConcurrentDictionary<long, Connection> _live = new();
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// One permit per free slot when <see cref="ServerOptions.PauseAcceptingAtLimit"/> is on: an accept loop takes one
    /// before it accepts, and a slot taken back returns it; null when full means closed at accept.
    /// </summary>
    private readonly SemaphoreSlim? _acceptPermits;
    private long _nextId;
    private int _active;
    private long _rejected;
    private int _evictionsClosing;

    public ServerCore(ServerOptions options, int maxConnections, IStreamHandler? streamHandler, IDatagramHandler? datagramHandler, ILogger logger, DatagramReplyGuard guard)
    {
        _options = options;
        _limits = ServerLimits.From(options);
        _maxConnections = maxConnections;
        _throttle = new LogThrottle(TimeSpan.FromSeconds(5), ReportSuppressed);
        _streamHandler = streamHandler;
        _datagramHandler = datagramHandler;
        _logger = logger;
        Guard = guard;
        Metrics = new ServerMetrics(options.ServiceName, options.MeterFactory);
        _acceptPermits = options.PauseAcceptingAtLimit ? new SemaphoreSlim(maxConnections) : null;
    }

    public ServerMetrics Metrics { get; }

    public DatagramReplyGuard Guard { get; }

    public CancellationToken Stopping => _stopping.Token;

    public int ActiveConnections => Volatile.Read(ref _active);

    public long RejectedConnections => Interlocked.Read(ref _rejected);

    public IEnumerable<Connection> LiveConnections => _live.Values;

    /// <summary>Connections served at once: <see cref="ServerLimits.MaxConnections"/>, lowered to fit the open-file limit.</summary>
    public int MaxConnections => _maxConnections;

    /// <summary>The limits in force; swapped whole by <see cref="UpdateLimits"/>, read once per decision.</summary>
    public ServerLimits Limits => _limits;

    /// <summary>
    /// Takes new limits (validated by the caller) from the next decision on. <paramref name="maxConnections"/> is
    /// <see cref="ServerLimits.MaxConnections"/> fitted to the open-file limit. Nothing live is closed for it: a lower
    /// connection limit refuses newcomers (and evicts none) while the count is above it.
    /// </summary>
    public void UpdateLimits(ServerLimits limits, int maxConnections)
    {
        _limits = limits;
        _maxConnections = maxConnections;
    }

    /// <summary>Completes when the server is stopping and no connection is left.</summary>
    public Task Drained => _drained.Task;

    public void BeginStopping()
    {
        _stopping.Cancel();

        // Interlocked, like Admit's increment: either Admit's increment comes first and this sees it, or Admit
        // comes after and sees the cancellation above (and closes its connection).
        if (Interlocked.CompareExchange(ref _active, 0, 0) == 0)
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>
    /// Accepts connections until the listener closes. <paramref name="dispatch"/> runs each admitted connection
    /// where the model wants it; the sequential model awaits it, the others start it and return.
    /// </summary>
    public async Task AcceptLoopAsync(Listener listener, SocketIO listenerIO, Func<Socket, SocketIO> ioFor, Func<Connection, ValueTask> dispatch)
    {
        var backoffMs = 0;
        while (!Stopping.IsCancellationRequested)
        {
            Socket accepted;
            try
            {
                accepted = await listenerIO.AcceptAsync(CancellationToken.None);
                backoffMs = 0;
            }
            catch (Exception e) when (IsListenerClosed(e))
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // Out of descriptors: spinning on accept would burn a core and exiting would drop everyone. Back off
                // and try again; live connections keep being served and free descriptors as they end.
                backoffMs = Math.Clamp(backoffMs * 2, 50, 1000);
                if (_throttle.ShouldLog("accept"))
                {
                    // Not e.Message for EMFILE: .NET gives it ENFILE's text ("in system"); DescriptorLimit names the real limit.
                    var reason = e.SocketErrorCode == SocketError.TooManyOpenSockets ? DescriptorLimit.Describe() : e.Message;
                    ServerLog.AcceptFailed(_logger, listener.Endpoint.ToString(), reason, backoffMs);
                }

                await Task.Delay(backoffMs);
                continue;
            }
            catch (SocketException)
            {
                continue; // reset while in the backlog (ECONNABORTED): the next one is fine
            }

            // At the limit with accepts paused, this one waits here, accepted but not yet served, and the listener
            // accepts no more: the rest wait in the kernel's backlog. Taken after the accept, not before, so that
            // with several listeners an idle one does not hold a permit its neighbour's newcomer needs.
            if (!await TakeAcceptPermitAsync())
            {
                accepted.Dispose();
                return;
            }

            var connection = Admit(accepted, listener, ioFor);
            if (connection is null)
            {
                continue;
            }

            try
            {
                await dispatch(connection);
            }
            catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
            {
                // No thread for it: this one cannot be served, the server goes on.
                connection.Abort(CloseReason.Error);
                Release(connection);
            }
        }
    }

    /// <summary>Processes one connection to its end. Never throws; always releases the connection's slot.</summary>
    public async Task RunConnectionAsync(Connection connection)
    {
        if (_logger.IsEnabled(LogLevel.Debug))
        {
            // Asked first: the peer's text would otherwise be made for every connection and kept for its life.
            ServerLog.ConnectionAccepted(_logger, connection.Id, connection.RemoteText, connection.LocalEndpoint.ToString());
        }

        var activity = ConnectionActivity.Start(connection, _options.ServiceName);
        string? overLimit = null;
        try
        {
            if (!await HandshakeAsync(connection))
            {
                return;
            }

            // Not back through the loop's context: an idle connection would hold a posted continuation and its
            // delegate (112 bytes) for its life. What follows moves to the connection's loop by itself where needed.
            await _streamHandler!.HandleAsync(connection, connection.Aborted).ConfigureAwait(false);
            await EndSendingAsync(connection).ConfigureAwait(false);
            connection.TrySetReason(connection.PeerClosedInput ? CloseReason.PeerClosed : CloseReason.Completed);
        }
        catch (ConnectionException e)
        {
            // Mapped once at the transport edge: reset, timed out, or aborted by this side (whose reason is
            // recorded already, so this records nothing).
            if (connection.TrySetReason(e.Reason))
            {
                LogLost(connection, e);
            }
        }
        catch (OperationCanceledException) when (connection.Aborted.IsCancellationRequested)
        {
            // Aborted by the server (idle, drain) while the handler waited on something else: the reason is recorded.
        }
        catch (FramingException e) when (e.FromPeer)
        {
            // The client broke the framing (a frame over the limit, a lying prefix, a truncated frame): its fault,
            // not the handler's, so one warning naming the limit, no stack trace.
            if (connection.TrySetReason(CloseReason.Limit))
            {
                overLimit = e.Message;
            }
        }
        catch (Exception e)
        {
            if (connection.TrySetReason(CloseReason.Error))
            {
                ServerLog.HandlerFailed(_logger, connection.Id, connection.RemoteText, e.Message, e);
            }
        }
        finally
        {
            Finish(connection, overLimit);
            ConnectionActivity.Stop(activity, connection, connection.Reason ?? CloseReason.Completed);
        }
    }

    /// <summary>
    /// What the handler left buffered, then what a graceful close sends first (TLS's close_notify). A method of its
    /// own, awaited like the handler: the awaiters of both calls would otherwise each take a field of the state every
    /// connection holds while its handler runs.
    /// </summary>
    private static async ValueTask EndSendingAsync(Connection connection)
    {
        await connection.Output.FlushAsync().ConfigureAwait(false);
        await connection.IO.EndSendingAsync().ConfigureAwait(false);
    }

    /// <summary>Receives datagrams until the listener closes, handing each to the datagram handler.</summary>
    public async Task DatagramLoopAsync(Listener listener, SocketIO io, Func<Func<ValueTask>, ValueTask>? gate = null)
    {
        if (ServesInBatches(io, gate))
        {
            await BatchedDatagramLoopAsync(listener, (ReadinessSocketIO)io);
            return;
        }

        var replier = new DatagramReplyPath(io, this, listener, _logger, _throttle);
        // One byte over the largest datagram served: the runtime's receive cuts a longer (Unix) datagram to the buffer
        // without saying so, and a reply to the cut bytes would pass them off as the datagram.
        var buffer = GC.AllocateUninitializedArray<byte>(DatagramBatch.SlotSize + 1);
        var family = listener.Socket.AddressFamily;
        var addressSize = SocketAddress.GetMaximumAddressSize(family);
        while (!Stopping.IsCancellationRequested)
        {
            var sender = new SocketAddress(family, addressSize);
            int received;
            try
            {
                received = await io.ReceiveFromAsync(buffer, sender, CancellationToken.None);
            }
            catch (Exception e) when (IsListenerClosed(e))
            {
                return;
            }
            catch (SocketException e)
            {
                // A truncated datagram, or an ICMP error queued by an earlier reply: that datagram only.
                if (_throttle.ShouldLog("receive"))
                {
                    ServerLog.ReceiveFailed(_logger, listener.Endpoint.ToString(), e.Message);
                }

                continue;
            }

            if (received > DatagramBatch.SlotSize)
            {
                if (_throttle.ShouldLog("receive"))
                {
                    ServerLog.ReceiveFailed(_logger, listener.Endpoint.ToString(), TruncatedMessage);
                }

                continue;
            }

            Metrics.DatagramReceived();
            var datagram = new Datagram(buffer.AsMemory(0, received), sender, listener.Endpoint, replier);
            if (gate is null)
            {
                await HandleDatagramAsync(datagram);
            }
            else
            {
                await gate(() => HandleDatagramAsync(datagram));
            }
        }
    }

    /// <summary>
    /// The heartbeat's round: closes connections idle for <see cref="ServerOptions.IdleTimeout"/> and those whose
    /// message is past its deadline (<see cref="Connection.BeginMessage"/>), then reports the log lines held back.
    /// </summary>
    public void Sweep()
    {
        var now = Environment.TickCount64;
        var idleTimeout = _limits.IdleTimeout;
        var idleLimit = (long)idleTimeout.TotalMilliseconds;
        // The dictionary's own enumerator: Values copies every connection into a new array, on each round (at 17,000
        // connections 136 KB, on the large object heap, which only a full collection frees).
        foreach (var (_, connection) in _live)
        {
            var idle = now - connection.LastActivityTicks;
            if (idleLimit > 0 && idle >= idleLimit && !connection.TryHandleIdle(idleTimeout) && connection.TrySetReason(CloseReason.Idle))
            {
                if (_throttle.ShouldLog("idle"))
                {
                    ServerLog.ConnectionIdle(_logger, connection.Id, connection.RemoteText, Math.Round(idle / 1000.0, 1));
                }

                connection.Abort(CloseReason.Idle);
            }
            else if (now >= connection.MessageDeadlineTicks && !connection.TryHandleMessageTimeout() && connection.TrySetReason(CloseReason.FrameTimeout))
            {
                if (_throttle.ShouldLog("frame-timeout"))
                {
                    ServerLog.MessageTimedOut(_logger, connection.Id, connection.RemoteText, Math.Round((now - connection.MessageStartedTicks) / 1000.0, 1));
                }

                connection.Abort(CloseReason.FrameTimeout);
            }
        }

        _throttle.Flush();
    }

    public void Dispose()
    {
        _acceptPermits?.Dispose();
        _stopping.Dispose();
        Metrics.Dispose();
    }

    private async ValueTask HandleDatagramAsync(Datagram datagram)
    {
        try
        {
            await _datagramHandler!.HandleAsync(datagram, Stopping);
        }
        catch (Exception e) when (!IsListenerClosed(e))
        {
            if (_throttle.ShouldLog("datagram-handler"))
            {
                ServerLog.DatagramHandlerFailed(_logger, datagram.RemoteText, datagram.LocalEndpoint.ToString(), e.Message, e);
            }
        }
    }

    private void ReportSuppressed(string key, long count, double seconds)
    {
        var (level, description) = key switch
        {
            "max-connections" => (LogLevel.Warning, "connections rejected (MaxConnections)"),
            "max-connections-per-ip" => (LogLevel.Warning, "connections rejected (MaxConnectionsPerAddress)"),
            "evicted" => (LogLevel.Warning, "connections evicted for newcomers (server full)"),
            "frame-timeout" => (LogLevel.Warning, "connections closed with a line unfinished (LineTimeout)"),
            "over-limit" => (LogLevel.Warning, "connections closed over a limit"),
            "idle" => (LogLevel.Information, "connections closed idle (IdleTimeout)"),
            "accept" => (LogLevel.Warning, "accept failures"),
            "tls-handshake" => (LogLevel.Warning, "TLS handshakes failed"),
            _ => (LogLevel.Warning, key),
        };
        ServerLog.Suppressed(_logger, level, description, count, seconds);
    }

    private void LogLost(Connection connection, ConnectionException e)
    {
        switch (e.Reason)
        {
            case CloseReason.PeerReset:
                ServerLog.ConnectionReset(_logger, connection.Id, connection.RemoteText);
                break;
            case CloseReason.TimedOut:
                ServerLog.ConnectionTimedOut(_logger, connection.Id, connection.RemoteText);
                break;
            default:
                // An unexpected socket error: reported as before, as a failure with its cause.
                ServerLog.HandlerFailed(_logger, connection.Id, connection.RemoteText, e.Message, e);
                break;
        }
    }

    /// <summary>Closes <paramref name="connection"/> for its reason; <paramref name="overLimit"/> names the limit a client broke.</summary>
    private void Finish(Connection connection, string? overLimit)
    {
        var reason = connection.Reason ?? CloseReason.Completed;
        try
        {
            if (reason is CloseReason.Completed or CloseReason.PeerClosed || connection.SaidGoodbye)
            {
                connection.IO.Close();
            }
            else
            {
                connection.Abort(reason);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }

        if (reason == CloseReason.Limit && _throttle.ShouldLog("over-limit"))
        {
            // A client that sends garbage (a line over ServiceOptions.MaxLine): worth a line at the default level, not one each.
            if (overLimit is null)
            {
                ServerLog.ConnectionOverLimit(_logger, connection.Id, connection.RemoteText);
            }
            else
            {
                ServerLog.ConnectionBrokeFraming(_logger, connection.Id, connection.RemoteText, overLimit);
            }
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            ServerLog.ConnectionClosed(_logger, connection.Id, connection.RemoteText, reason.ToName(), connection.BytesReceived, connection.BytesSent);
        }

        var removed = _live.TryRemove(connection.Id, out _);
        if (removed)
        {
            UncountAddress(AddressOf(connection.RemoteEndPoint));
        }

        if (reason == CloseReason.Evicted)
        {
            Interlocked.Decrement(ref _evictionsClosing);
        }

        var lastOfTheDrain = removed && TakeBackSlot();
        // Counted before the drain is declared over: once StopAsync returns, every close is in the metrics.
        Metrics.ConnectionClosed(reason);
        if (lastOfTheDrain)
        {
            _drained.TrySetResult();
        }
    }

    private void Release(Connection connection)
    {
        if (_live.TryRemove(connection.Id, out _))
        {
            UncountAddress(AddressOf(connection.RemoteEndPoint));
            ReleaseSlot();
        }
    }

    private void ReleaseSlot()
    {
        if (TakeBackSlot())
        {
            _drained.TrySetResult();
        }
    }

    /// <summary>Frees a connection slot; true when it was the last one the stop is waiting for.</summary>
    private bool TakeBackSlot()
    {
        var last = Interlocked.Decrement(ref _active) == 0 && Stopping.IsCancellationRequested;
        ReturnAcceptPermit();
        return last;
    }

    /// <summary>
    /// Waits for a free slot when accepts pause at the limit (<see cref="ServerOptions.PauseAcceptingAtLimit"/>);
    /// false when the server stops meanwhile. Without the option there is nothing to wait for.
    /// </summary>
    private async ValueTask<bool> TakeAcceptPermitAsync()
    {
        if (_acceptPermits is null)
        {
            return true;
        }

        try
        {
            await _acceptPermits.WaitAsync(Stopping);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    private void ReturnAcceptPermit()
    {
        try
        {
            _acceptPermits?.Release();
        }
        catch (ObjectDisposedException)
        {
            // A connection ending after the stop disposed the core: nobody accepts any more.
        }
    }

    private void ApplySocketOptions(Socket socket, Listener listener)
    {
        var transport = _options.Transport;
        if (listener.Kind.IsTcp())
        {
            socket.NoDelay = transport.NoDelay;
            if (transport.KeepAlive)
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            }
        }

        if (transport.SendBufferSize is { } send)
        {
            socket.SendBufferSize = send;
        }

        if (transport.ReceiveBufferSize is { } receive)
        {
            socket.ReceiveBufferSize = receive;
        }
    }

    private static EndPoint? SafeRemote(Socket socket)
    {
        try
        {
            return socket.RemoteEndPoint;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    internal static bool IsListenerClosed(Exception e) => e switch
    {
        ObjectDisposedException => true,
        SocketException s => s.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted or SocketError.Shutdown or SocketError.InvalidArgument,
        _ => false,
    };
}
