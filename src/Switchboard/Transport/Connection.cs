using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Switchboard.Endpoints;
using Switchboard.Transport.Internal;

namespace Switchboard.Transport;

/// <summary>
/// One accepted stream connection as a handler sees it: <see cref="Input"/> and <see cref="Output"/> pipes, the two
/// endpoints, half-close and abort. The same object works under every concurrency model; the model decides only on
/// which thread the handler's code runs. It is an <see cref="IDuplexPipe"/>, as the client library's
/// <c>ClientConnection</c> is, so code written against the pair runs on either end.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer or wait handle; Abort may race with the connection's end, so it is never disposed.")]
public sealed partial class Connection : IDuplexPipe
{
    // Null for a connection over another transport's pipes (Connection.Pipes.cs), which has _pipeInput instead.
    private readonly SocketIO? _io;
    private readonly ConnectionPipeReader? _input;
    private readonly ITrafficSink? _traffic;
    private readonly CancellationTokenSource _aborted = new();
    private long _lastActivity = Environment.TickCount64;
    private Action<TimeSpan>? _onIdle;
    private Action? _onMessageTimeout;
    private long _messageStarted;
    private long _messageDeadline = long.MaxValue;
    private string? _remoteText;
    private int _reason = -1;
    private int _outputShutdown;
    private volatile bool _saidGoodbye;

    internal Connection(long id, EndpointUri localEndpoint, SocketIO io, ITrafficSink? traffic, CancellationToken serverStopping)
    {
        Id = id;
        LocalEndpoint = localEndpoint;
        _io = io;
        io.AbortedWith = _aborted.Token; // Abort aborts the I/O too: its waits need not watch the token
        _traffic = traffic;
        ServerStopping = serverStopping;
        RemoteEndPoint = io.Socket.RemoteEndPoint;
        _input = new ConnectionPipeReader(io, this);
        Output = new ConnectionPipeWriter(io, this);
    }

    /// <summary>A number unique within the server, for logs.</summary>
    public long Id { get; }

    /// <summary>The listener's endpoint this connection arrived on.</summary>
    public EndpointUri LocalEndpoint { get; }

    /// <summary>The peer's endpoint (an <see cref="IPEndPoint"/>, or a Unix endpoint that may be unnamed).</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>The peer as written in logs: IPv4-mapped addresses as plain IPv4.</summary>
    /// <remarks>Made when first asked for: most connections are never logged, and each would keep its string.</remarks>
    public string RemoteText => _remoteText ??= EndpointText.Format(RemoteEndPoint);

    /// <summary>What the peer sends. Reading it reads the socket; not reading it pushes back on the peer.</summary>
    public PipeReader Input => _input ?? _pipeInput!;

    /// <summary>What goes to the peer. <see cref="PipeWriter.FlushAsync"/> returns when the kernel has the bytes.</summary>
    public PipeWriter Output { get; }

    /// <summary>Fires when the server starts to stop: finish the current exchange and return.</summary>
    public CancellationToken ServerStopping { get; }

    /// <summary>
    /// Fires when the connection is aborted (idle timeout, drain deadline, <see cref="Abort()"/>). Reads and writes
    /// then fail with <see cref="ConnectionAbortedException"/>, also those given this token.
    /// </summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>Total bytes received from the peer.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Total bytes sent to the peer.</summary>
    public long BytesSent { get; private set; }

    /// <summary>True once the peer has half-closed or closed its side.</summary>
    public bool PeerClosedInput => _input?.SawEndOfStream ?? false;

    internal SocketIO IO => _io ?? throw new InvalidOperationException("a connection over another transport's pipes has no socket I/O");

    // TickCount64 is milliseconds; a TimeSpan's largest value still fits after adding it.
    private static long DeadlineAfter(long now, TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : now + (long)timeout.TotalMilliseconds;

    private static int KeepAliveSeconds(TimeSpan time) => (int)Math.Clamp(Math.Ceiling(time.TotalSeconds), 1, 32767);

    internal long LastActivityTicks => Volatile.Read(ref _lastActivity);

    internal CloseReason? Reason => _reason < 0 ? null : (CloseReason)_reason;

    /// <summary>When the message in progress began (<see cref="Environment.TickCount64"/>); 0 when none is.</summary>
    internal long MessageStartedTicks => Volatile.Read(ref _messageStarted);

    /// <summary>When the message in progress must be complete; <see cref="long.MaxValue"/> when never.</summary>
    internal long MessageDeadlineTicks => Volatile.Read(ref _messageDeadline);

    /// <summary>
    /// Says a message (a line, a frame) has begun and must be complete within <paramref name="timeout"/>; if
    /// <see cref="EndMessage"/> has not been called by then, the server closes the connection with reason
    /// <see cref="CloseReason.FrameTimeout"/> (or calls the handler's <see cref="HandleMessageTimeout"/>). A sender
    /// that dribbles a byte now and then never looks idle, so without this it could hold its slot for ever. While a
    /// message is open the connection is also the one a newcomer may evict when the server is full (the longest-open
    /// first). A message already open keeps its start and deadline. <see cref="Timeout.InfiniteTimeSpan"/>: no
    /// deadline. The server checks deadlines on its heartbeat (at most every 500 ms), not with a timer per message.
    /// </summary>
    public void BeginMessage(TimeSpan timeout)
    {
        if (Volatile.Read(ref _messageStarted) != 0)
        {
            return;
        }

        var now = Environment.TickCount64;
        Volatile.Write(ref _messageDeadline, DeadlineAfter(now, timeout));
        Volatile.Write(ref _messageStarted, now);
    }

    /// <summary>
    /// Moves the deadline of the message in progress to <paramref name="timeout"/> from now
    /// (<see cref="Timeout.InfiniteTimeSpan"/>: none), keeping its start, for a handler with more than one deadline
    /// at a time (the chat: a nick within the nick timeout, and each line typed meanwhile within the line timeout).
    /// No effect when no message is open.
    /// </summary>
    public void SetMessageDeadline(TimeSpan timeout)
    {
        if (Volatile.Read(ref _messageStarted) != 0)
        {
            Volatile.Write(ref _messageDeadline, DeadlineAfter(Environment.TickCount64, timeout));
        }
    }

    /// <summary>Says the message begun with <see cref="BeginMessage"/> is complete; the connection is between messages.</summary>
    public void EndMessage()
    {
        Volatile.Write(ref _messageStarted, 0);
        Volatile.Write(ref _messageDeadline, long.MaxValue);
    }

    /// <summary>
    /// Takes over what a missed message deadline (<see cref="BeginMessage"/>) does for this connection. Without it,
    /// the server closes the connection with reason <see cref="CloseReason.FrameTimeout"/>. With it, the server
    /// calls <paramref name="onTimeout"/> instead, once per deadline (the message stays open, without a deadline,
    /// until the handler ends or moves it): the handler tells its peer why and closes the connection its own way
    /// (the chat tells the member and the room). It runs on the server's heartbeat timer, so it must return at once.
    /// </summary>
    public void HandleMessageTimeout(Action onTimeout)
    {
        ArgumentNullException.ThrowIfNull(onTimeout);
        Volatile.Write(ref _onMessageTimeout, onTimeout);
    }

    /// <summary>
    /// Waits until the peer sends more (bytes or end of stream) or <paramref name="timeout"/> passes, without
    /// consuming anything: the select-with-timeout of the tutorials. Returns false on timeout. Bytes already in
    /// <see cref="Input"/> do not count; read them first.
    /// </summary>
    /// <exception cref="ConnectionException">The connection is gone (reset, aborted, timed out).</exception>
    public ValueTask<bool> WaitForInputAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_io is null)
        {
            return WaitForPipeInputAsync(timeout, cancellationToken);
        }

        if (_input!.SawEndOfStream)
        {
            return new(true);
        }

        ValueTask<bool> waiting;
        try
        {
            waiting = _io.WaitForReadableAsync(timeout, cancellationToken);
        }
        catch (Exception e)
        {
            return ValueTask.FromException<bool>(ConnectionFailures.Map(e, this) ?? e); // through the task, like a write
        }

        return waiting.IsCompletedSuccessfully ? waiting : MapFailureAsync(waiting);
    }

    /// <summary>
    /// Flushes <see cref="Output"/> and half-closes the sending side (FIN, <c>shutdown(SHUT_WR)</c>; over TLS a
    /// close_notify first, so the peer reads a clean end of stream). Over another transport's pipes
    /// (<see cref="PipeConnection"/>) it completes <see cref="Output"/>, and the transport decides what follows:
    /// Kestrel's closes the whole connection, since it has no half-close.
    /// </summary>
    public async ValueTask ShutdownOutputAsync(CancellationToken cancellationToken = default)
    {
        await Output.FlushAsync(cancellationToken);
        if (Interlocked.Exchange(ref _outputShutdown, 1) == 0)
        {
            await (_io is null ? Output.CompleteAsync() : _io.ShutdownSendAsync(cancellationToken));
            _saidGoodbye = true;
        }
    }

    /// <summary>
    /// The handler half-closed the connection itself after its last byte (<see cref="ShutdownOutputAsync"/>) and
    /// nothing aborted it: the server then closes gracefully whatever the close reason, since a reset would throw
    /// away what the kernel still holds of that last byte (a farewell to a member that was too slow, say).
    /// </summary>
    /// <summary>Writes block the calling thread until the kernel took them (the threads model): they never complete later.</summary>
    internal bool WritesBlock => _io is { BlocksCaller: true };

    internal bool SaidGoodbye => _saidGoodbye && !_aborted.IsCancellationRequested;

    /// <summary>
    /// Starts <paramref name="loop"/>, work that uses this connection beside the handler (a writer loop while the
    /// handler reads), where the concurrency model needs it. Under <c>async</c> and <c>select</c> it shares the
    /// handler's scheduler (the select loop must own every call on its sockets). Under <c>threads</c> and
    /// <c>sequential</c> the handler's thread blocks in receive, and work posted to it would wait for the peer's next
    /// bytes, so it runs on the thread pool; a blocking socket may send on one thread while another receives.
    /// </summary>
    /// <returns>The loop's task; await it before the handler returns.</returns>
    public Task StartBesideHandler(Func<Task> loop)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return _io is { BlocksCaller: true } ? Task.Run(loop) : loop();
    }

    /// <summary>
    /// Takes over the server's idle timeout (<c>ServerOptions.IdleTimeout</c>) for this connection. Without it, a
    /// connection on which nothing moved either way for that long is reset. With it, the server calls
    /// <paramref name="onIdle"/> instead, with the idle timeout, counts the call as activity, and calls again after
    /// another idle timeout if still nothing moves: the handler decides what silence means (the chat probes a
    /// telnet client and keeps a quiet member). It runs on the server's heartbeat timer, so it must return at once.
    /// </summary>
    public void HandleIdleTimeout(Action<TimeSpan> onIdle)
    {
        ArgumentNullException.ThrowIfNull(onIdle);
        Volatile.Write(ref _onIdle, onIdle);
    }

    /// <summary>
    /// Turns on TCP keepalive for this connection: after <paramref name="idle"/> without traffic the kernel sends a
    /// probe every <paramref name="interval"/>, and after <paramref name="probes"/> unanswered ones it ends the
    /// connection (reads and writes fail). How a server finds a silent peer that is gone without showing the peer a
    /// byte. Times are rounded up to whole seconds (1 s to 9 h); no effect on a Unix socket, whose peer cannot
    /// vanish without the kernel closing it, nor on a connection already gone.
    /// </summary>
    public void EnableKeepAlive(TimeSpan idle, TimeSpan interval, int probes)
    {
        var socket = _io?.Socket ?? _pipeSocket;
        if (socket?.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return;
        }

        try
        {
            // setsockopt touches no readiness state, so it is safe beside a select loop that owns the socket. The
            // timings go first, so keepalive is never on with the kernel's default (two hours) even for a moment.
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, KeepAliveSeconds(idle));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, KeepAliveSeconds(interval));
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, Math.Clamp(probes, 1, 127));
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Gone already: nothing left to keep alive.
        }
    }

    /// <summary>Ends the connection at once with a reset; pending reads and writes fail.</summary>
    public void Abort() => Abort(CloseReason.Error);

    internal void Abort(CloseReason reason)
    {
        TrySetReason(reason);
        if (!_aborted.IsCancellationRequested)
        {
            try
            {
                _aborted.Cancel();
            }
            catch (AggregateException)
            {
                // A handler's registration threw; the abort itself must still happen.
            }

            _io?.Abort();
            _abortTransport?.Invoke();
        }
    }

    /// <summary>
    /// Records why the connection is ending, for logs and metrics, when a handler ends it for a reason of its own
    /// (a line over the limit: <see cref="CloseReason.Limit"/>). The first reason recorded wins; returns false
    /// when one was recorded already.
    /// </summary>
    public bool TrySetCloseReason(CloseReason reason) => TrySetReason(reason);

    /// <summary>The server's idle heartbeat: true when the handler took the idle timeout over (<see cref="HandleIdleTimeout"/>).</summary>
    internal bool TryHandleIdle(TimeSpan idleTimeout)
    {
        if (Volatile.Read(ref _onIdle) is not { } onIdle)
        {
            return false;
        }

        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        try
        {
            onIdle(idleTimeout);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The handler is ending as the timer fired; a throw here would take the heartbeat (and the process) down.
        }

        return true;
    }

    /// <summary>The server's heartbeat, at a missed deadline: true when the handler took it over (<see cref="HandleMessageTimeout"/>).</summary>
    internal bool TryHandleMessageTimeout()
    {
        if (Volatile.Read(ref _onMessageTimeout) is not { } onTimeout)
        {
            return false;
        }

        Volatile.Write(ref _messageDeadline, long.MaxValue); // once per deadline; the handler decides what follows
        try
        {
            onTimeout();
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            // The handler is ending as the timer fired; a throw here would take the heartbeat (and the process) down.
        }

        return true;
    }

    internal bool TrySetReason(CloseReason reason) => Interlocked.CompareExchange(ref _reason, (int)reason, -1) == -1;

    internal void OnReceived(int bytes)
    {
        BytesReceived += bytes;
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        _traffic?.OnReceived(bytes);
    }

    internal void OnSent(long bytes)
    {
        BytesSent += bytes;
        Volatile.Write(ref _lastActivity, Environment.TickCount64);
        _traffic?.OnSent(bytes);
    }

    private async ValueTask<bool> MapFailureAsync(ValueTask<bool> waiting)
    {
        try
        {
            return await waiting.ConfigureAwait(false);
        }
        catch (Exception e) when (ConnectionFailures.Map(e, this) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"#{Id} {RemoteText} on {LocalEndpoint}";
}
