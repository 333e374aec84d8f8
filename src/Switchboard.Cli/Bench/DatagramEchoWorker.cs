namespace Switchboard.Cli.Bench;

/// <summary>
/// One load thread of <c>bench echo udp://</c>: owns a share of the sockets, waits on them with epoll (waking at
/// least every 10 ms to find lost datagrams) and pumps them.
/// </summary>
internal sealed class DatagramEchoWorker(TimeSpan lossTimeout) : EpollEchoWorker
{
    private readonly List<DatagramEchoSocket> _sockets = [];
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly long _lossTicks = BenchClock.Ticks(lossTimeout);

    protected override string ThreadName => "bench echo udp";

    public void Add(DatagramEchoSocket socket) => _sockets.Add(socket);

    protected override void Run(CancellationToken stop)
    {
        using var epoll = new EpollSet(1024);
        var now = BenchClock.Now;
        for (var i = 0; i < _sockets.Count; i++)
        {
            if (!epoll.Add(_sockets[i].Handle, EpollSet.In | EpollSet.EdgeTriggered, i))
            {
                throw new InvalidOperationException("epoll_ctl(ADD) failed");
            }

            _sockets[i].Start(now);
        }

        var lastSweep = now;
        while (!stop.IsCancellationRequested && (now = BenchClock.Now) < MeasureUntil)
        {
            var ready = epoll.Wait(10);
            now = BenchClock.Now;
            for (var e = 0; e < ready; e++)
            {
                Pump(epoll, _sockets[epoll.SlotAt(e)], now);
            }

            // Lost datagrams bring no event: every socket is looked at once per 10 ms anyway.
            if (now - lastSweep >= BenchClock.Ticks(TimeSpan.FromMilliseconds(10)))
            {
                lastSweep = now;
                foreach (var socket in _sockets)
                {
                    if (socket.Failure is null)
                    {
                        Pump(epoll, socket, now);
                    }
                }
            }
        }

        foreach (var socket in _sockets)
        {
            socket.Close();
        }
    }

    private void Pump(EpollSet epoll, DatagramEchoSocket socket, long now)
    {
        if (socket.Failure is not null || socket.Pump(this, _receiveBuffer, now, _lossTicks))
        {
            return;
        }

        OnFailed(socket.Failure);
        epoll.Remove(socket.Handle);
    }
}
