using System.Globalization;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench echo</c>: closed-loop clients, each keeping <c>InFlight</c> messages of <c>Size</c> bytes
/// outstanding against an echo server. The clients are plain connections on a few epoll threads
/// (<see cref="StreamEchoClients"/>), TLS connections on async loops (<see cref="TlsEchoClients"/>: the record layer
/// needs a stream) or datagram sockets (<see cref="DatagramEchoClients"/>); this is what they share: the warmup and
/// the measured span, the live figures and the summary. Messages completed during the warmup are not counted; every
/// byte that comes back is checked.
/// </summary>
internal sealed class EchoLoad(EchoLoadOptions options, IEchoClients clients) : IBenchRun
{
    private long _measureFrom;
    private long _measureUntil;

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"{(clients.Datagrams ? "datagram echo" : "echo")} load on {options.Target.Uri}: {options.Connections} {(clients.Datagrams ? "sockets" : "connections")} × {options.Size} B × {options.InFlight} in flight{clients.Note}");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        if (_measureFrom == 0)
        {
            return [new("phase", clients.Datagrams ? "opening sockets" : "connecting")];
        }

        var measured = BenchClock.ToSeconds(Math.Min(now, _measureUntil) - _measureFrom);
        var counts = clients.Counts();
        List<KeyValuePair<string, string>> figures =
        [
            new("phase", now < _measureFrom ? "warmup" : "measuring"),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("msgs", counts.Messages.ToString(CultureInfo.InvariantCulture)),
            new("msgs/s", measured > 0 ? (counts.Messages / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
        ];
        if (clients.Datagrams)
        {
            figures.Add(new("lost", counts.Lost.ToString(CultureInfo.InvariantCulture)));
            figures.Add(new("late", counts.Late.ToString(CultureInfo.InvariantCulture)));
        }
        else
        {
            figures.Add(new("MiB/s", measured > 0 ? (counts.Bytes / measured / (1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) : "-"));
        }

        figures.Add(new("errors", counts.Errors.ToString(CultureInfo.InvariantCulture)));
        return figures;
    }

    public async Task<EchoSummary> RunAsync(CancellationToken stop)
    {
        using var _ = clients;
        await clients.OpenAsync(stop);
        var start = BenchClock.Now;
        _measureUntil = start + BenchClock.Ticks(options.Warmup + options.Duration);
        _measureFrom = start + BenchClock.Ticks(options.Warmup);
        await clients.RunAsync(_measureFrom, _measureUntil, stop);

        var end = Math.Min(BenchClock.Now, _measureUntil);
        var seconds = Math.Max(0, BenchClock.ToSeconds(end - _measureFrom));
        var counts = clients.Counts();
        return new EchoSummary(
            options.Target.Uri.ToString(),
            clients.Datagrams ? null : options.Connections,
            clients.Datagrams ? options.Connections : null,
            options.Size,
            options.InFlight,
            Math.Round(seconds, 2),
            counts.Messages,
            seconds > 0 ? Math.Round(counts.Messages / seconds) : 0,
            seconds > 0 ? Math.Round(counts.Bytes / seconds / (1024 * 1024), 2) : 0,
            LatencyPercentiles.From(clients.Latency()),
            clients.Datagrams ? counts.Lost : null,
            clients.Datagrams ? counts.Late : null,
            counts.Errors,
            clients.FirstFailure);
    }
}
