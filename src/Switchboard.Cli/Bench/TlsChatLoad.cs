using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Client;
using Switchboard.Security;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench chat tls://…</c>: the fan-out load of <see cref="ChatLoad"/> over TLS. Members are library
/// <see cref="ClientConnection"/>s (SslStream on the runtime's engine), each read by an async loop, and each sender
/// writes from a loop of its own, rather than ChatLoad's one epoll thread over raw sockets: the TLS record layer
/// needs a stream. The same lines, window, rate and counting: deliveries are sender lines received in the measured
/// span; latency from every tenth member; member 0's sightings move each sender's window.
/// </summary>
internal sealed class TlsChatLoad(ChatLoadOptions options, TlsClientOptions tls) : IBenchRun
{
    private const int SampleEvery = 10;

    private readonly List<TlsChatMember> _members = [];
    private long _measureFrom = long.MaxValue;
    private long _measureUntil = long.MaxValue;
    private long _deliveries;
    private long _sent;
    private int _joined;
    private int _dropped;
    private volatile bool _ending;

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"chat load on {options.Target.Uri}: {options.Members} members, {options.Senders} sending, rate {(options.Rate > 0 ? options.Rate.ToString(CultureInfo.InvariantCulture) : "unlimited")}, window {options.Window} (TLS)");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        var from = Volatile.Read(ref _measureFrom);
        var measured = BenchClock.ToSeconds(Math.Min(now, Volatile.Read(ref _measureUntil)) - from);
        var deliveries = Interlocked.Read(ref _deliveries);
        return
        [
            new("phase", from == long.MaxValue ? "joining" : now < from ? "warmup" : "measuring"),
            new("joined", Volatile.Read(ref _joined).ToString(CultureInfo.InvariantCulture)),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("sent", Interlocked.Read(ref _sent).ToString(CultureInfo.InvariantCulture)),
            new("deliveries", deliveries.ToString(CultureInfo.InvariantCulture)),
            new("deliveries/s", measured > 0 ? (deliveries / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
            new("dropped", Volatile.Read(ref _dropped).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public async Task<ChatSummary> RunAsync(CancellationToken stop)
    {
        var readers = new List<Task>();
        var joinStart = BenchClock.Now;
        var start = joinStart;
        try
        {
            await JoinAsync(readers, stop);
            start = BenchClock.Now;
            Volatile.Write(ref _measureUntil, start + BenchClock.Ticks(options.Warmup + options.Duration));
            Volatile.Write(ref _measureFrom, start + BenchClock.Ticks(options.Warmup));
            await Task.WhenAll(_members.Where(m => m.IsSender).Select(m => Task.Run(() => SendAsync(m, stop), CancellationToken.None)));
        }
        finally
        {
            _ending = true; // the aborts below end the readers: not the server dropping members
            foreach (var member in _members)
            {
                member.Connection.Abort();
            }

            await Task.WhenAll(readers);
            foreach (var member in _members)
            {
                await member.Connection.DisposeAsync();
                member.Acknowledgements.Dispose();
            }
        }

        var end = Math.Min(BenchClock.Now, _measureUntil);
        var seconds = _measureFrom == long.MaxValue ? 0 : Math.Max(0, BenchClock.ToSeconds(end - _measureFrom));
        var latency = LatencyPercentiles.NewHistogram();
        foreach (var member in _members.Where(m => m.Latency is not null))
        {
            latency.Add(member.Latency!);
        }

        return new ChatSummary(
            options.Target.Uri.ToString(),
            options.Members,
            options.Senders,
            _joined,
            Math.Round(BenchClock.ToSeconds(start - joinStart), 2),
            Math.Round(seconds, 2),
            _sent,
            _deliveries,
            seconds > 0 ? Math.Round(_deliveries / seconds) : 0,
            LatencyPercentiles.From(latency),
            _dropped);
    }

    private async Task JoinAsync(List<Task> readers, CancellationToken stop)
    {
        var clientOptions = new ClientOptions { ConnectTimeout = BenchConnect.Timeout, Tls = tls };
        var firstSender = options.Members - options.Senders;
        for (var i = 0; i < options.Members && !stop.IsCancellationRequested; i++)
        {
            ClientConnection connection;
            try
            {
                connection = await SocketClient.ConnectAsync(options.Target.Uri, clientOptions, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ClientConnectException e)
            {
                throw new BenchConnectException(e.Message);
            }

            var member = new TlsChatMember(connection, i, samples: i % SampleEvery == 0, sends: i >= firstSender);
            _members.Add(member);
            readers.Add(Task.Run(() => ReadAsync(member), CancellationToken.None));
            if (options.Nick)
            {
                // LF, as nc sends: our chat takes a CR LF for a telnet client and would ask it for binary mode.
                await connection.Output.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"m{i}\n")), stop);
            }

            Volatile.Write(ref _joined, _joined + 1);
        }
    }

    private async Task ReadAsync(TlsChatMember member)
    {
        try
        {
            await member.ReadAsync(OnLine);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A reset is the server dropping this member too; our own abort at the end is not counted below.
        }

        if (!_ending)
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    private void OnLine(TlsChatMember reader, int sender, long sequence, long sendTicks)
    {
        var now = BenchClock.Now;
        if (now >= Volatile.Read(ref _measureFrom) && now < Volatile.Read(ref _measureUntil))
        {
            Interlocked.Increment(ref _deliveries);
            if (reader.Latency is { } latency)
            {
                LatencyPercentiles.Record(latency, BenchClock.ToNanoseconds(now - sendTicks));
            }
        }

        // Member 0 is the probe: a line it has seen no longer counts against its sender's window.
        if (reader.Index == 0 && sender >= 0 && sender < _members.Count)
        {
            _members[sender].Acknowledge(sequence);
        }
    }

    private async Task SendAsync(TlsChatMember member, CancellationToken stop)
    {
        var ticksPerLine = options.Rate > 0 ? BenchClock.Ticks(TimeSpan.FromSeconds(1.0 / options.Rate)) : 0;
        var line = new byte[96];
        long sent = 0;
        var nextSendAt = BenchClock.Now;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var now = BenchClock.Now;
                if (now >= _measureUntil)
                {
                    return;
                }

                if (sent - member.Acknowledged >= options.Window)
                {
                    // Woken by member 0; the timeout only bounds a wait on a line the server never relayed.
                    await member.Acknowledgements.WaitAsync(TimeSpan.FromMilliseconds(100), stop);
                    continue;
                }

                if (now < nextSendAt)
                {
                    await Task.Delay(TimeSpan.FromSeconds(BenchClock.ToSeconds(nextSendAt - now)), stop);
                    continue;
                }

                var length = ChatLine.Format(line, member.Index, sent, now);
                await member.Connection.Output.WriteAsync(line.AsMemory(0, length), stop);
                sent++;
                if (now >= _measureFrom && now < _measureUntil)
                {
                    Interlocked.Increment(ref _sent);
                }

                nextSendAt = ticksPerLine == 0 ? now : Math.Max(nextSendAt + ticksPerLine, now - BenchClock.Ticks(TimeSpan.FromSeconds(1)));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The server dropped this sender: its reader counts it.
        }
    }
}
