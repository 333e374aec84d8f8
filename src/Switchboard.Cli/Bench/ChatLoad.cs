using System.Globalization;
using System.Net.Sockets;
using System.Text;
using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>switchboard bench chat</c>: fan-out load for any line-relaying chat server. <c>Members</c> connect one after
/// another (reading all the while: a server may block on a member that does not read, and the load must not be
/// that member); the last <c>Senders</c> of them write timestamped lines; every member reads everything as it
/// arrives. Deliveries are the senders' lines members receive during the measured span (server notices such as
/// join announcements are not counted); latency comes from every tenth member (and each server's probe), which parses each line's send time. One thread drives every socket through epoll.
/// </summary>
internal sealed class ChatLoad : IBenchRun
{
    private const int SampleEvery = 10;

    private readonly ChatLoadOptions _options;
    private readonly List<ChatMember> _members = [];
    private readonly LongHistogram _latency = LatencyPercentiles.NewHistogram();
    private readonly byte[] _scratch = new byte[64 * 1024];
    private long _measureFrom = long.MaxValue;
    private long _measureUntil = long.MaxValue;
    private long _deliveries;
    private long _sent;
    private int _joined;
    private int _dropped;

    public ChatLoad(ChatLoadOptions options) => _options = options;

    /// <summary>Members 0 … Probes-1, one on each server (members are dealt round-robin), pace the senders' windows.</summary>
    private int Probes => 1 + _options.Others.Count;

    public string Title => string.Create(
        CultureInfo.InvariantCulture,
        $"chat load on {_options.Targets}: {_options.Members} members, {_options.Senders} sending, rate {(_options.Rate > 0 ? _options.Rate.ToString(CultureInfo.InvariantCulture) : "unlimited")}, window {_options.Window}");

    public IReadOnlyList<KeyValuePair<string, string>> Progress()
    {
        var now = BenchClock.Now;
        var measured = BenchClock.ToSeconds(Math.Min(now, _measureUntil) - _measureFrom);
        var deliveries = Volatile.Read(ref _deliveries);
        var phase = Volatile.Read(ref _measureFrom) == long.MaxValue ? "joining" : now < _measureFrom ? "warmup" : "measuring";
        return
        [
            new("phase", phase),
            new("joined", Volatile.Read(ref _joined).ToString(CultureInfo.InvariantCulture)),
            new("seconds", measured > 0 ? measured.ToString("F1", CultureInfo.InvariantCulture) : "0"),
            new("sent", Volatile.Read(ref _sent).ToString(CultureInfo.InvariantCulture)),
            new("deliveries", deliveries.ToString(CultureInfo.InvariantCulture)),
            new("deliveries/s", measured > 0 ? (deliveries / measured).ToString("F0", CultureInfo.InvariantCulture) : "-"),
            new("dropped", Volatile.Read(ref _dropped).ToString(CultureInfo.InvariantCulture)),
        ];
    }

    public Task<ChatSummary> RunAsync(CancellationToken stop)
    {
        var done = new TaskCompletionSource<ChatSummary>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.TrySetResult(Run(stop));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "bench chat" };
        thread.Start();
        return done.Task;
    }

    internal void OnDeliveries(int count, long now)
    {
        if (now >= _measureFrom && now < _measureUntil)
        {
            Volatile.Write(ref _deliveries, _deliveries + count);
        }
    }

    internal void OnSent(long now)
    {
        if (now >= _measureFrom && now < _measureUntil)
        {
            Volatile.Write(ref _sent, _sent + 1);
        }
    }

    internal void OnSenderLine(ChatMember reader, int sender, long sequence, long latencyTicks, long now)
    {
        if (now >= _measureFrom && now < _measureUntil)
        {
            LatencyPercentiles.Record(_latency, BenchClock.ToNanoseconds(latencyTicks));
        }

        // The first member on each server is a probe: a line every probe has seen no longer counts against its
        // sender's window (with one server, member 0 alone).
        if (reader.Index < Probes && sender >= 0 && sender < _members.Count && _members[sender].IsSender)
        {
            _members[sender].Acknowledge(reader.Index, sequence);
        }
    }

    private ChatSummary Run(CancellationToken stop)
    {
        using var epoll = new EpollSet(1024);
        try
        {
            var joinStart = BenchClock.Now;
            Join(epoll, stop);
            var start = BenchClock.Now;
            Volatile.Write(ref _measureUntil, start + BenchClock.Ticks(_options.Warmup + _options.Duration));
            Volatile.Write(ref _measureFrom, start + BenchClock.Ticks(_options.Warmup));
            var ticksPerLine = _options.Rate > 0 ? BenchClock.Ticks(TimeSpan.FromSeconds(1.0 / _options.Rate)) : 0;
            var senders = _members.Where(m => m.IsSender).ToArray();
            foreach (var sender in senders)
            {
                sender.NextSendAt = start;
            }

            while (!stop.IsCancellationRequested && BenchClock.Now < _measureUntil)
            {
                Poll(epoll, 1);
                var now = BenchClock.Now;
                foreach (var sender in senders)
                {
                    if (!sender.Dropped && !sender.Send(this, now, _options.Window, ticksPerLine))
                    {
                        Drop(epoll, sender);
                    }
                }
            }

            var end = Math.Min(BenchClock.Now, _measureUntil);
            var seconds = Math.Max(0, BenchClock.ToSeconds(end - _measureFrom));
            return new ChatSummary(
                _options.Targets,
                _options.Members,
                _options.Senders,
                _joined,
                Math.Round(BenchClock.ToSeconds(start - joinStart), 2),
                Math.Round(seconds, 2),
                _sent,
                _deliveries,
                seconds > 0 ? Math.Round(_deliveries / seconds) : 0,
                LatencyPercentiles.From(_latency),
                _dropped);
        }
        finally
        {
            foreach (var member in _members)
            {
                member.Close();
            }
        }
    }

    private void Join(EpollSet epoll, CancellationToken stop)
    {
        var firstSender = _options.Members - _options.Senders;
        for (var i = 0; i < _options.Members && !stop.IsCancellationRequested; i++)
        {
            Socket socket;
            try
            {
                socket = BenchConnect.ConnectAsync(_options.TargetOf(i), stop).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            if (_options.Nick)
            {
                // LF, as nc sends: our chat takes a CR LF for a telnet client and would ask it for binary mode.
                socket.Send(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"m{i}\n")));
            }

            var member = new ChatMember(socket, i, samples: i % SampleEvery == 0 || i < Probes, sends: i >= firstSender);
            if (member.IsSender)
            {
                member.WatchProbes(Math.Min(Probes, _options.Members));
            }

            _members.Add(member);
            if (!epoll.Add(member.Handle, EpollSet.In | EpollSet.ReadHangUp | EpollSet.EdgeTriggered, i))
            {
                throw new InvalidOperationException("epoll_ctl(ADD) failed");
            }
            Volatile.Write(ref _joined, _joined + 1);
            Poll(epoll, 0);
        }
    }

    private void Poll(EpollSet epoll, int timeoutMilliseconds)
    {
        var ready = epoll.Wait(timeoutMilliseconds);
        var now = BenchClock.Now;
        for (var e = 0; e < ready; e++)
        {
            var member = _members[epoll.SlotAt(e)];
            if (!member.Dropped && !member.Receive(this, _scratch, now))
            {
                Drop(epoll, member);
            }
        }
    }

    private void Drop(EpollSet epoll, ChatMember member)
    {
        epoll.Remove(member.Handle);
        Volatile.Write(ref _dropped, _dropped + 1);
    }
}
