using System.Globalization;
using System.Net.Sockets;
using Switchboard.Client;
using Switchboard.Security;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench connections</c>: opens <c>Count</c> idle connections (a few connects in flight at once),
/// then holds them, watching with epoll for any the server closes. Sends nothing: it measures what holding idle
/// connections costs a server, and how fast it takes them in. A tls:// target is opened through the library's
/// client (<see cref="SocketClient"/>, the handshake done before a connection counts as opened), and each connection
/// is watched by a pending read rather than epoll: the TLS record layer needs a stream.
/// </summary>
internal sealed class ConnectionsLoad : IBenchRun
{
    private readonly ConnectionsLoadOptions _options;
    private readonly TlsClientOptions? _tls;
    private readonly Socket?[] _sockets;
    private readonly ClientConnection?[] _clients;
    private readonly List<Task> _watchers = [];
    private volatile bool _ending;
    private int _opened;
    private int _refused;
    private int _closed;
    private long _openStart;
    private long _holdStart;
    private string? _firstError;

    /// <param name="options">What to open and for how long.</param>
    /// <param name="tls">The client's TLS settings: required for a tls:// target, ignored otherwise.</param>
    public ConnectionsLoad(ConnectionsLoadOptions options, TlsClientOptions? tls = null)
    {
        _options = options;
        _tls = options.Target.Uri.Kind == Endpoints.TransportKind.Tls
            ? tls ?? throw new ArgumentException("a tls:// target needs TLS client options", nameof(tls))
            : null;
        _sockets = new Socket?[options.Count];
        _clients = new ClientConnection?[options.Count];
    }

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"idle connections to {_options.Target.Uri}: {_options.Count}, held {_options.Hold.TotalSeconds:F0} s");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var opened = Volatile.Read(ref _opened);
        var elapsed = BenchClock.ToSeconds(BenchClock.Now - Volatile.Read(ref _openStart));
        return
        [
            new("phase", Volatile.Read(ref _holdStart) == 0 ? "opening" : "holding"),
            new("opened", opened.ToString(CultureInfo.InvariantCulture)),
            new("refused", Volatile.Read(ref _refused).ToString(CultureInfo.InvariantCulture)),
            new("closed by server", Volatile.Read(ref _closed).ToString(CultureInfo.InvariantCulture)),
            new("open now", (opened - Volatile.Read(ref _closed)).ToString(CultureInfo.InvariantCulture)),
            new("seconds", elapsed.ToString("F1", CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<ConnectionsSummary> RunAsync(TextWriter notices, CancellationToken stop)
    {
        Volatile.Write(ref _openStart, BenchClock.Now);
        var next = -1;
        var lanes = Enumerable.Range(0, Math.Min(_options.Concurrency, _options.Count)).Select(async _ =>
        {
            int i;
            while (!stop.IsCancellationRequested && (i = Interlocked.Increment(ref next)) < _options.Count)
            {
                await OpenAsync(i, stop);
            }
        });
        await Task.WhenAll(lanes);
        var openSeconds = BenchClock.ToSeconds(BenchClock.Now - _openStart);

        var holdSeconds = 0.0;
        if (!stop.IsCancellationRequested)
        {
            await notices.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"bench: {_opened} of {_options.Count} connections open; holding them {_options.Hold.TotalSeconds:F0} s"));
            await notices.FlushAsync(CancellationToken.None);
            Volatile.Write(ref _holdStart, BenchClock.Now);
            if (_tls is null)
            {
                await Task.Factory.StartNew(() => Hold(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            }
            else
            {
                await HoldTlsAsync(stop);
            }

            holdSeconds = BenchClock.ToSeconds(BenchClock.Now - _holdStart);
        }

        foreach (var socket in _sockets)
        {
            socket?.Dispose();
        }

        _ending = true; // what the aborts below end is not the server closing
        foreach (var client in _clients)
        {
            client?.Abort();
        }

        await Task.WhenAll(_watchers);
        foreach (var client in _clients)
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
        }

        return new ConnectionsSummary(
            _options.Target.Uri.ToString(),
            _options.Count,
            _opened,
            _refused,
            _closed,
            _opened - _closed,
            Math.Round(openSeconds, 3),
            openSeconds > 0 ? Math.Round(_opened / openSeconds) : 0,
            Math.Round(holdSeconds, 1),
            _firstError);
    }

    private async Task OpenAsync(int index, CancellationToken stop)
    {
        try
        {
            if (_tls is null)
            {
                _sockets[index] = await _options.Target.ConnectAsync(BenchConnect.Timeout, stop);
            }
            else
            {
                var client = await SocketClient.ConnectAsync(_options.Target.Uri, new ClientOptions { ConnectTimeout = BenchConnect.Timeout, Tls = _tls }, stop);
                _clients[index] = client;
                lock (_watchers)
                {
                    _watchers.Add(WatchAsync(client));
                }
            }

            Interlocked.Increment(ref _opened);
        }
        catch (SocketException e)
        {
            Refuse(e.Message);
        }
        catch (ClientConnectException e)
        {
            Refuse(e.Message);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            Refuse($"no answer within {BenchConnect.Timeout.TotalSeconds:F0} s");
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: stop opening; the summary counts what was opened.
        }
    }

    private void Refuse(string reason)
    {
        Interlocked.CompareExchange(ref _firstError, reason, null);
        Interlocked.Increment(ref _refused);
    }

    private void Hold(CancellationToken stop)
    {
        using var epoll = new EpollSet(1024);
        for (var i = 0; i < _sockets.Length; i++)
        {
            if (_sockets[i] is { } socket)
            {
                socket.Blocking = false;
                if (!epoll.Add(socket.Handle, EpollSet.In | EpollSet.ReadHangUp | EpollSet.EdgeTriggered, i))
                {
                    throw new InvalidOperationException("epoll_ctl(ADD) failed");
                }
            }
        }

        var until = _holdStart + BenchClock.Ticks(_options.Hold);
        Span<byte> scratch = stackalloc byte[512];
        while (!stop.IsCancellationRequested && BenchClock.Now < until)
        {
            var ready = epoll.Wait(50);
            for (var e = 0; e < ready; e++)
            {
                var index = epoll.SlotAt(e);
                var socket = _sockets[index]!;
                while (true)
                {
                    var n = socket.Receive(scratch, SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock)
                    {
                        break; // a greeting (daytime, a chat prompt): read and ignored
                    }

                    if (error != SocketError.Success || n == 0)
                    {
                        epoll.Remove(socket.Handle);
                        Interlocked.Increment(ref _closed);
                        break;
                    }
                }
            }
        }
    }

    private async Task HoldTlsAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(_options.Hold, stop);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: the summary counts the hold so far.
        }
    }

    /// <summary>Reads (and drops) whatever a TLS connection receives until the server ends it, which counts it closed.</summary>
    private async Task WatchAsync(ClientConnection client)
    {
        try
        {
            while (true)
            {
                var result = await client.Input.ReadAsync();
                client.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A reset is the server closing too; our own abort at the end lands here and is not counted.
        }

        if (!_ending)
        {
            Interlocked.Increment(ref _closed);
        }
    }
}
