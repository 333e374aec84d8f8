using HdrHistogram;
using Switchboard.Client;
using Switchboard.Security;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>bench echo tls://…</c>: each connection is a library <see cref="ClientConnection"/> (SslStream on the runtime's
/// socket engine) driven by one async loop that sends <c>InFlight</c> messages, then reads and checks their echo,
/// rather than raw epoll clients: the TLS record layer needs a stream. <c>--threads</c> does not apply; the thread
/// pool carries the loops.
/// </summary>
internal sealed class TlsEchoClients(EchoLoadOptions options, TlsClientOptions tls) : IEchoClients
{
    private readonly List<ClientConnection> _connections = [];
    private readonly List<LongHistogram> _histograms = [];
    private long _measureFrom;
    private long _measureUntil;
    private long _messages;
    private long _bytes;
    private int _errors;
    private string? _firstFailure;

    public bool Datagrams => false;

    public string Note => " (TLS)";

    public string? FirstFailure => Volatile.Read(ref _firstFailure);

    public async Task OpenAsync(CancellationToken stop)
    {
        var clientOptions = new ClientOptions { ConnectTimeout = BenchConnect.Timeout, Tls = tls };
        try
        {
            for (var i = 0; i < options.Connections; i++)
            {
                _connections.Add(await SocketClient.ConnectAsync(options.Target.Uri, clientOptions, stop));
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
    }

    public async Task RunAsync(long measureFrom, long measureUntil, CancellationToken stop)
    {
        _measureFrom = measureFrom;
        _measureUntil = measureUntil;
        var pattern = new BytePattern(options.Size);
        _histograms.AddRange(_connections.Select(_ => LatencyPercentiles.NewHistogram()));
        await Task.WhenAll(_connections.Select((c, i) => Task.Run(() => LoopAsync(c, pattern, _histograms[i], stop))));
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    public EchoCounts Counts() => new(Interlocked.Read(ref _messages), Interlocked.Read(ref _bytes), 0, 0, Volatile.Read(ref _errors));

    public LongHistogram Latency()
    {
        var latency = LatencyPercentiles.NewHistogram();
        foreach (var histogram in _histograms)
        {
            latency.Add(histogram);
        }

        return latency;
    }

    public void Dispose()
    {
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
