using System.Globalization;
using System.Net.Sockets;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench echo udp://HOST:PORT</c> (and <c>unixgram:///path</c>): the closed loop of
/// <see cref="EchoLoad"/> over datagrams, as the C yardstick <c>udpload</c> runs it. Each socket keeps
/// <c>InFlight</c> datagrams outstanding; every reply is checked; a datagram unanswered for the loss timeout
/// counts as lost and is replaced, so loss never stalls the loop, and a reply after that counts as late.
/// </summary>
internal sealed class DatagramEchoLoad : IBenchRun
{
    private readonly EchoLoadOptions _options;
    private readonly TimeSpan _lossTimeout;
    private readonly List<DatagramEchoWorker> _workers = [];
    private long _measureFrom;
    private long _measureUntil;

    public DatagramEchoLoad(EchoLoadOptions options, TimeSpan lossTimeout)
    {
        _options = options;
        _lossTimeout = lossTimeout;
    }

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"datagram echo load on {_options.Target.Uri}: {_options.Connections} sockets × {_options.Size} B × {_options.InFlight} in flight");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        if (_measureFrom == 0)
        {
            return [new("phase", "opening sockets")];
        }

        var measured = BenchClock.ToSeconds(Math.Min(now, _measureUntil) - _measureFrom);
        var messages = _workers.Sum(w => w.Messages);
        return
        [
            new("phase", now < _measureFrom ? "warmup" : "measuring"),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("msgs", messages.ToString(CultureInfo.InvariantCulture)),
            new("msgs/s", measured > 0 ? (messages / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
            new("lost", _workers.Sum(w => w.Lost).ToString(CultureInfo.InvariantCulture)),
            new("late", _workers.Sum(w => w.Late).ToString(CultureInfo.InvariantCulture)),
            new("errors", _workers.Sum(w => w.Errors).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<DatagramEchoSummary> RunAsync(CancellationToken stop)
    {
        var pattern = new BytePattern(_options.Size);
        var threads = Math.Min(_options.Threads, _options.Connections);
        for (var t = 0; t < threads; t++)
        {
            _workers.Add(new DatagramEchoWorker());
        }

        using var paths = new DatagramClientPaths();
        for (var i = 0; i < _options.Connections; i++)
        {
            var socket = _options.Target.NewDatagramSocket(paths);
            _workers[i % threads].Add(new DatagramEchoSocket(socket, pattern, _options.Size, _options.InFlight));
        }

        var start = BenchClock.Now;
        _measureUntil = start + BenchClock.Ticks(_options.Warmup + _options.Duration);
        _measureFrom = start + BenchClock.Ticks(_options.Warmup);
        foreach (var worker in _workers)
        {
            worker.Start(_measureFrom, _measureUntil, _lossTimeout, stop);
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
        return new DatagramEchoSummary(
            _options.Target.Uri.ToString(),
            _options.Connections,
            _options.Size,
            _options.InFlight,
            Math.Round(seconds, 2),
            messages,
            seconds > 0 ? Math.Round(messages / seconds) : 0,
            seconds > 0 ? Math.Round(bytes / seconds / (1024 * 1024), 2) : 0,
            LatencyPercentiles.From(latency),
            _workers.Sum(w => w.Lost),
            _workers.Sum(w => w.Late),
            _workers.Sum(w => w.Errors),
            _workers.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null));
    }
}
