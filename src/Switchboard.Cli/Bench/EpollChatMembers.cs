using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>bench chat tcp://</c> and <c>unix://</c>: the members as plain non-blocking sockets (<see cref="ChatMember"/>),
/// all driven by one thread through epoll, which joins them, writes the senders' lines as window and rate allow,
/// and reads whatever arrives.
/// </summary>
internal sealed class EpollChatMembers : IChatMembers
{
    private readonly List<ChatMember> _members = [];
    private readonly byte[] _scratch = new byte[64 * 1024];
    private ChatLoad _load = null!;

    public string Note => "";

    public ChatLoad Load => _load;

    /// <summary>Members 0 … Probes-1, one on each server (members are dealt round-robin), pace the senders' windows.</summary>
    private int Probes => 1 + _load.Options.Others.Count;

    public Task RunAsync(ChatLoad load, CancellationToken stop)
    {
        _load = load;
        return BenchThread.Start("bench chat", () => Run(stop));
    }

    /// <summary>A sender's line that <paramref name="reader"/> received, with its latency.</summary>
    public void OnSenderLine(ChatMember reader, int sender, long sequence, long latencyTicks, long now)
    {
        _load.OnLatency(latencyTicks, now);

        // The first member on each server is a probe: a line every probe has seen no longer counts against its
        // sender's window (with one server, member 0 alone).
        if (reader.Index < Probes && sender >= 0 && sender < _members.Count && _members[sender].IsSender)
        {
            _members[sender].Acknowledge(reader.Index, sequence);
        }
    }

    private void Run(CancellationToken stop)
    {
        using var epoll = new EpollSet(1024);
        try
        {
            Join(epoll, stop);
            var start = _load.BeginMeasuring();
            var options = _load.Options;
            var ticksPerLine = options.Rate > 0 ? BenchClock.Ticks(TimeSpan.FromSeconds(1.0 / options.Rate)) : 0;
            var senders = _members.Where(m => m.IsSender).ToArray();
            foreach (var sender in senders)
            {
                sender.NextSendAt = start;
            }

            while (!stop.IsCancellationRequested && BenchClock.Now < _load.MeasureUntil)
            {
                Poll(epoll, 1);
                var now = BenchClock.Now;
                foreach (var sender in senders)
                {
                    if (!sender.Dropped && !sender.Send(_load, now, options.Window, ticksPerLine))
                    {
                        Drop(epoll, sender);
                    }
                }
            }
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
        var options = _load.Options;
        var firstSender = options.Members - options.Senders;
        for (var i = 0; i < options.Members && !stop.IsCancellationRequested; i++)
        {
            Socket socket;
            try
            {
                socket = BenchConnect.ConnectAsync(options.TargetOf(i), stop).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            if (options.Nick)
            {
                // LF, as nc sends: our chat takes a CR LF for a telnet client and would ask it for binary mode.
                socket.Send(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"m{i}\n")));
            }

            var member = new ChatMember(socket, i, samples: ChatLoad.SamplesLatency(i, Probes), sends: i >= firstSender);
            if (member.IsSender)
            {
                member.WatchProbes(Math.Min(Probes, options.Members));
            }

            _members.Add(member);
            if (!epoll.Add(member.Handle, EpollSet.In | EpollSet.ReadHangUp | EpollSet.EdgeTriggered, i))
            {
                throw new InvalidOperationException("epoll_ctl(ADD) failed");
            }
            _load.OnJoined();
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
        _load.OnDropped();
    }
}
