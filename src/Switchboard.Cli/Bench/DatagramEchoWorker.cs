using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One load thread of <c>bench echo udp://</c>: owns a share of the sockets, waits on them with epoll (waking at
/// least every 10 ms to find lost datagrams) and pumps them. Counters are written by its thread only; the live
/// display reads them racily, which is fine for a progress view.
/// </summary>
internal sealed class DatagramEchoWorker(TimeSpan lossTimeout) : IEchoWorker
{
    private readonly List<DatagramEchoSocket> _sockets = [];
    private readonly LongHistogram _latency = LatencyPercentiles.NewHistogram();
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _measureFrom;
    private long _measureUntil;
    private readonly long _lossTicks = BenchClock.Ticks(lossTimeout);
    private long _messages;
    private long _bytes;
    private long _lost;
    private long _late;
    private int _errors;

    public long Messages => Volatile.Read(ref _messages);

    public long Bytes => Volatile.Read(ref _bytes);

    public long Lost => Volatile.Read(ref _lost);

    public long Late => Volatile.Read(ref _late);

    public int Errors => Volatile.Read(ref _errors);

    public LongHistogram Latency => _latency;

    public string? FirstFailure { get; private set; }

    public Task Completion => _done.Task;

    public void Add(DatagramEchoSocket socket) => _sockets.Add(socket);

    public void Start(long measureFrom, long until, CancellationToken stop)
    {
        _measureFrom = measureFrom;
        _measureUntil = until;
        var thread = new Thread(() => Run(stop)) { IsBackground = true, Name = "bench echo udp" };
        thread.Start();
    }

    public void OnMessage(long now, long latencyTicks, int size)
    {
        if (Measuring(now))
        {
            LatencyPercentiles.Record(_latency, BenchClock.ToNanoseconds(latencyTicks));
            Volatile.Write(ref _messages, _messages + 1);
            Volatile.Write(ref _bytes, _bytes + size);
        }
    }

    public void OnLost(long now)
    {
        if (Measuring(now))
        {
            Volatile.Write(ref _lost, _lost + 1);
        }
    }

    public void OnLate(long now)
    {
        if (Measuring(now))
        {
            Volatile.Write(ref _late, _late + 1);
        }
    }

    private bool Measuring(long now) => now >= _measureFrom && now < _measureUntil;

    private void Run(CancellationToken stop)
    {
        try
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
            while (!stop.IsCancellationRequested && (now = BenchClock.Now) < _measureUntil)
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

            _done.TrySetResult();
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
        }
    }

    private void Pump(EpollSet epoll, DatagramEchoSocket socket, long now)
    {
        if (socket.Failure is not null || socket.Pump(this, _receiveBuffer, now, _lossTicks))
        {
            return;
        }

        FirstFailure ??= socket.Failure;
        Volatile.Write(ref _errors, _errors + 1);
        epoll.Remove(socket.Handle);
    }
}
