using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One load thread: owns a share of the echo connections, waits on them with epoll and pumps the ready ones. Its
/// counters are written only by its thread; the live display reads them racily, which is fine for a progress view.
/// </summary>
internal sealed class EchoWorker : IEchoWorker
{
    private readonly List<EchoClient> _clients = [];
    private readonly LongHistogram _latency = LatencyPercentiles.NewHistogram();
    private readonly byte[] _receiveBuffer;
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _measureFrom;
    private long _measureUntil;
    private long _messages;
    private long _bytes;
    private int _errors;

    public EchoWorker(int receiveBufferSize) => _receiveBuffer = new byte[receiveBufferSize];

    public long Messages => Volatile.Read(ref _messages);

    public long Bytes => Volatile.Read(ref _bytes);

    public int Errors => Volatile.Read(ref _errors);

    public long Lost => 0; // a stream loses nothing without failing

    public long Late => 0;

    public LongHistogram Latency => _latency;

    /// <summary>The first failure's reason, for the summary.</summary>
    public string? FirstFailure { get; private set; }

    public Task Completion => _done.Task;

    public void Add(EchoClient client) => _clients.Add(client);

    /// <summary>Runs on a thread of its own until <paramref name="until"/> or until <paramref name="stop"/> fires.</summary>
    public void Start(long measureFrom, long until, CancellationToken stop)
    {
        _measureFrom = measureFrom;
        _measureUntil = until;
        var thread = new Thread(() => Run(stop)) { IsBackground = true, Name = "bench echo" };
        thread.Start();
    }

    /// <summary>Called by a client for each message that came back whole.</summary>
    public void OnMessage(long now, long latencyTicks, int size)
    {
        if (now < _measureFrom || now >= _measureUntil)
        {
            return;
        }

        LatencyPercentiles.Record(_latency, BenchClock.ToNanoseconds(latencyTicks));
        Volatile.Write(ref _messages, _messages + 1);
        Volatile.Write(ref _bytes, _bytes + size);
    }

    private void Run(CancellationToken stop)
    {
        try
        {
            using var epoll = new EpollSet(1024);
            for (var i = 0; i < _clients.Count; i++)
            {
                if (!epoll.Add(_clients[i].Handle, EpollSet.In | EpollSet.Out | EpollSet.ReadHangUp | EpollSet.EdgeTriggered, i))
                {
                    throw new InvalidOperationException("epoll_ctl(ADD) failed");
                }
                Pump(epoll, _clients[i]);
            }

            while (!stop.IsCancellationRequested && BenchClock.Now < _measureUntil)
            {
                var ready = epoll.Wait(10);
                for (var e = 0; e < ready; e++)
                {
                    Pump(epoll, _clients[epoll.SlotAt(e)]);
                }
            }

            foreach (var client in _clients)
            {
                client.Close();
            }

            _done.TrySetResult();
        }
        catch (Exception e)
        {
            _done.TrySetException(e);
        }
    }

    private void Pump(EpollSet epoll, EchoClient client)
    {
        if (client.Failure is not null || client.Pump(this, _receiveBuffer, sending: true))
        {
            return;
        }

        FirstFailure ??= client.Failure;
        Volatile.Write(ref _errors, _errors + 1);
        epoll.Remove(client.Handle);
    }
}
