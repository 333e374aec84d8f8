using System.Buffers;
using System.Globalization;
using HdrHistogram;
using Switchboard.Client;
using Switchboard.Security;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench echo tls://…</c>: the closed loop of <see cref="EchoLoad"/> over TLS. Each connection is a
/// library <see cref="ClientConnection"/> (SslStream on the runtime's socket engine) driven by one async loop that
/// sends <c>InFlight</c> messages, then reads and checks their echo, rather than EchoLoad's raw epoll clients: the
/// TLS record layer needs a stream. <c>--threads</c> does not apply; the thread pool carries the loops.
/// </summary>
internal sealed class TlsEchoLoad(EchoLoadOptions options, TlsClientOptions tls) : IBenchRun
{
    private long _measureFrom;
    private long _measureUntil;
    private long _messages;
    private long _bytes;
    private int _errors;
    private string? _firstFailure;

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"echo load on {options.Target.Uri}: {options.Connections} connections × {options.Size} B × {options.InFlight} in flight (TLS)");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        if (_measureFrom == 0)
        {
            return [new("phase", "connecting")];
        }

        var measured = BenchClock.ToSeconds(Math.Min(now, _measureUntil) - _measureFrom);
        var messages = Interlocked.Read(ref _messages);
        return
        [
            new("phase", now < _measureFrom ? "warmup" : "measuring"),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("msgs", messages.ToString(CultureInfo.InvariantCulture)),
            new("msgs/s", measured > 0 ? (messages / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
            new("MiB/s", measured > 0 ? (Interlocked.Read(ref _bytes) / measured / (1024 * 1024)).ToString("F2", CultureInfo.InvariantCulture) : "-"),
            new("errors", Volatile.Read(ref _errors).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<EchoSummary> RunAsync(CancellationToken stop)
    {
        var pattern = new BytePattern(options.Size);
        var clients = new List<ClientConnection>();
        var clientOptions = new ClientOptions { ConnectTimeout = BenchConnect.Timeout, Tls = tls };
        try
        {
            for (var i = 0; i < options.Connections; i++)
            {
                clients.Add(await SocketClient.ConnectAsync(options.Target.Uri, clientOptions, stop));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C while connecting: nothing is measured.
        }
        catch (ClientConnectException e)
        {
            throw new BenchConnectException(e.Message);
        }

        var start = BenchClock.Now;
        _measureUntil = start + BenchClock.Ticks(options.Warmup + options.Duration);
        _measureFrom = start + BenchClock.Ticks(options.Warmup);
        var histograms = clients.Select(_ => LatencyPercentiles.NewHistogram()).ToList();
        await Task.WhenAll(clients.Select((c, i) => Task.Run(() => LoopAsync(c, pattern, histograms[i], stop))));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }

        var end = Math.Min(BenchClock.Now, _measureUntil);
        var seconds = Math.Max(0, BenchClock.ToSeconds(end - _measureFrom));
        var latency = LatencyPercentiles.NewHistogram();
        foreach (var histogram in histograms)
        {
            latency.Add(histogram);
        }

        return new EchoSummary(
            options.Target.Uri.ToString(),
            options.Connections,
            options.Size,
            options.InFlight,
            Math.Round(seconds, 2),
            _messages,
            seconds > 0 ? Math.Round(_messages / seconds) : 0,
            seconds > 0 ? Math.Round(_bytes / seconds / (1024 * 1024), 2) : 0,
            LatencyPercentiles.From(latency),
            _errors,
            _firstFailure);
    }

    private async Task LoopAsync(ClientConnection client, BytePattern pattern, LongHistogram latency, CancellationToken stop)
    {
        long sent = 0;
        long received = 0;
        try
        {
            while (!stop.IsCancellationRequested && BenchClock.Now < _measureUntil)
            {
                var began = BenchClock.Now;
                for (var k = 0; k < options.InFlight; k++)
                {
                    var slice = pattern.At(sent, options.Size);
                    slice.CopyTo(client.Output.GetSpan(options.Size));
                    client.Output.Advance(options.Size);
                    sent += options.Size;
                }

                await client.Output.FlushAsync(stop);
                while (received < sent)
                {
                    var result = await client.Input.ReadAsync(stop);
                    foreach (var segment in result.Buffer)
                    {
                        for (var at = 0; at < segment.Length; at += options.Size)
                        {
                            var piece = segment.Span.Slice(at, Math.Min(options.Size, segment.Length - at));
                            if (!piece.SequenceEqual(pattern.At(received, piece.Length)))
                            {
                                Fail($"wrong byte within offset {received}..{received + piece.Length} of the stream");
                                return;
                            }

                            received += piece.Length;
                        }
                    }

                    client.Input.AdvanceTo(result.Buffer.End);
                    if (result.IsCompleted && received < sent)
                    {
                        Fail("the server closed the connection");
                        return;
                    }
                }

                var now = BenchClock.Now;
                if (now >= _measureFrom && now < _measureUntil)
                {
                    LatencyPercentiles.Record(latency, BenchClock.ToNanoseconds(now - began));
                    Interlocked.Add(ref _messages, options.InFlight);
                    Interlocked.Add(ref _bytes, (long)options.InFlight * options.Size);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException)
        {
            Fail(e.Message);
        }
    }

    private void Fail(string reason)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstFailure, reason, null);
    }
}
