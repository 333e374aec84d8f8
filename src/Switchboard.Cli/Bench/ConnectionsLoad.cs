using System.Globalization;
using System.Net.Sockets;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench connections</c>: opens <c>Count</c> idle connections (a few connects in flight at once),
/// then holds them, watching with epoll for any the server closes. Sends nothing: it measures what holding idle
/// connections costs a server, and how fast it takes them in.
/// </summary>
internal sealed class ConnectionsLoad : IBenchRun
{
    private readonly ConnectionsLoadOptions _options;
    private readonly Socket?[] _sockets;
    private int _opened;
    private int _refused;
    private int _closed;
    private long _openStart;
    private long _holdStart;
    private string? _firstError;

    public ConnectionsLoad(ConnectionsLoadOptions options)
    {
        _options = options;
        _sockets = new Socket?[options.Count];
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
            await Task.Factory.StartNew(() => Hold(stop), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            holdSeconds = BenchClock.ToSeconds(BenchClock.Now - _holdStart);
        }

        foreach (var socket in _sockets)
        {
            socket?.Dispose();
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
            _sockets[index] = await _options.Target.ConnectAsync(BenchConnect.Timeout, stop);
            Interlocked.Increment(ref _opened);
        }
        catch (SocketException e)
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
}
