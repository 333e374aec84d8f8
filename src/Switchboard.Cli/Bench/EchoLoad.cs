using System.Globalization;
using System.Net.Sockets;
using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench echo</c>: closed-loop clients, each keeping <c>InFlight</c> messages of <c>Size</c> bytes
/// outstanding against an echo server, spread over a few epoll threads. Messages completed during the warmup are
/// not counted; every byte that comes back is checked.
/// </summary>
internal sealed class EchoLoad : IBenchRun
{
    private readonly EchoLoadOptions _options;
    private readonly List<EchoWorker> _workers = [];
    private long _measureFrom;
    private long _measureUntil;

    public EchoLoad(EchoLoadOptions options) => _options = options;

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"echo load on {_options.Target.Uri}: {_options.Connections} connections × {_options.Size} B × {_options.InFlight} in flight");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        if (_measureFrom == 0)
        {
            return [new("phase", "connecting")];
        }

        var measured = BenchClock.ToSeconds(Math.Min(now, _measureUntil) - _measureFrom);
        var messages = _workers.Sum(w => w.Messages);
        var bytes = _workers.Sum(w => w.Bytes);
        return
        [
            new("phase", now < _measureFrom ? "warmup" : "measuring"),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("msgs", messages.ToString(CultureInfo.InvariantCulture)),
            new("msgs/s", measured > 0 ? (messages / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
            new("MiB/s", measured > 0 ? (bytes / measured / (1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) : "-"),
            new("errors", _workers.Sum(w => w.Errors).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<EchoSummary> RunAsync(CancellationToken stop)
    {
        var receiveBufferSize = Math.Clamp(_options.Size * _options.InFlight, 16 * 1024, 256 * 1024);
        var pattern = new BytePattern(Math.Max(_options.Size, receiveBufferSize));
        var threads = Math.Min(_options.Threads, _options.Connections);
        for (var t = 0; t < threads; t++)
        {
            _workers.Add(new EchoWorker(receiveBufferSize));
        }

        try
        {
            for (var i = 0; i < _options.Connections; i++)
            {
                var socket = await BenchConnect.ConnectAsync(_options.Target, stop);
                _workers[i % threads].Add(new EchoClient(socket, pattern, _options.Size, _options.InFlight));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C while connecting: the workers stop at once and the summary says nothing was measured.
        }

        var start = BenchClock.Now;
        _measureUntil = start + BenchClock.Ticks(_options.Warmup + _options.Duration);
        _measureFrom = start + BenchClock.Ticks(_options.Warmup);
        foreach (var worker in _workers)
        {
            worker.Start(_measureFrom, _measureUntil, stop);
        }

        await Task.WhenAll(_workers.Select(w => w.Completion));
        var end = Math.Min(BenchClock.Now, _measureUntil);
        var seconds = Math.Max(0, BenchClock.ToSeconds(end - _measureFrom));
        var latency = LatencyPercentiles.NewHistogram();
        foreach (var worker in _workers)
        {
            latency.Add(worker.Latency);
        }

        var messages = _workers.Sum(w => w.Messages);
        var bytes = _workers.Sum(w => w.Bytes);
        return new EchoSummary(
            _options.Target.Uri.ToString(),
            _options.Connections,
            _options.Size,
            _options.InFlight,
            Math.Round(seconds, 2),
            messages,
            seconds > 0 ? Math.Round(messages / seconds) : 0,
            seconds > 0 ? Math.Round(bytes / seconds / (1024 * 1024), 2) : 0,
            LatencyPercentiles.From(latency),
            _workers.Sum(w => w.Errors),
            _workers.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null));
    }
}
