using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// One load thread of <c>bench echo</c>, whatever its sockets: the subclass pumps its share of them through epoll
/// (<see cref="EchoWorker"/> connections, <see cref="DatagramEchoWorker"/> datagram sockets); here are the measured
/// span, the counters, the latency histogram and the thread (<see cref="BenchThread"/>). The counters are written only by its thread; the live
/// display reads them racily, which is fine for a progress view. The per-message calls are plain methods of this
/// class: no virtual call per message.
/// </summary>
internal abstract class EpollEchoWorker
{
    private readonly LongHistogram _latency = LatencyPercentiles.NewHistogram();
    private long _measureFrom;
    private long _measureUntil;
    private long _messages;
    private long _bytes;
    private long _lost;
    private long _late;
    private int _errors;

    public long Messages => Volatile.Read(ref _messages);

    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>Datagrams unanswered within the loss timeout (a stream loses nothing without failing).</summary>
    public long Lost => Volatile.Read(ref _lost);

    /// <summary>Replies to datagrams already given up as lost.</summary>
    public long Late => Volatile.Read(ref _late);

    public int Errors => Volatile.Read(ref _errors);

    public LongHistogram Latency => _latency;

    /// <summary>The first failure's reason, for the summary.</summary>
    public string? FirstFailure { get; private set; }

    /// <summary>When measuring ends (ticks): the thread runs until then.</summary>
    protected long MeasureUntil => _measureUntil;

    /// <summary>The thread's name, for a debugger or <c>top -H</c>.</summary>
    protected abstract string ThreadName { get; }

    /// <summary>Runs on a thread of its own until <paramref name="until"/> or until <paramref name="stop"/> fires; the task ends with it.</summary>
    public Task Start(long measureFrom, long until, CancellationToken stop)
    {
        _measureFrom = measureFrom;
        _measureUntil = until;
        return BenchThread.Start(ThreadName, () => Run(stop));
    }

    /// <summary>Called for each message that came back whole.</summary>
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

    /// <summary>Pumps the sockets until <see cref="MeasureUntil"/> or <paramref name="stop"/>, then closes them.</summary>
    protected abstract void Run(CancellationToken stop);

    /// <summary>A socket failed and is given up: counted, and its reason kept if it is the first.</summary>
    protected void OnFailed(string? reason)
    {
        FirstFailure ??= reason;
        Volatile.Write(ref _errors, _errors + 1);
    }

    private bool Measuring(long now) => now >= _measureFrom && now < _measureUntil;
}
