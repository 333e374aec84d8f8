using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// What the epoll-driven clients share (<see cref="StreamEchoClients"/>, <see cref="DatagramEchoClients"/>): load
/// threads, each a <typeparamref name="TWorker"/> with its share of the sockets, started together and summed for
/// the counts. A subclass opens the sockets and deals them out.
/// </summary>
internal abstract class WorkerEchoClients<TWorker>(EchoLoadOptions options) : IEchoClients
    where TWorker : EpollEchoWorker
{
    protected EchoLoadOptions Options { get; } = options;

    /// <summary>The load threads: <c>--threads</c>, or fewer when there are fewer sockets.</summary>
    protected List<TWorker> Workers { get; } = [];

    public abstract bool Datagrams { get; }

    public string Note => "";

    public abstract Task OpenAsync(CancellationToken stop);

    public Task RunAsync(long measureFrom, long measureUntil, CancellationToken stop)
    {
        Task[] threads = [.. Workers.Select(w => w.Start(measureFrom, measureUntil, stop))];
        return Task.WhenAll(threads);
    }

    public EchoCounts Counts() => new(
        Workers.Sum(w => w.Messages),
        Workers.Sum(w => w.Bytes),
        Workers.Sum(w => w.Lost),
        Workers.Sum(w => w.Late),
        Workers.Sum(w => w.Errors));

    public LongHistogram Latency()
    {
        var latency = LatencyPercentiles.NewHistogram();
        foreach (var worker in Workers)
        {
            latency.Add(worker.Latency);
        }

        return latency;
    }

    public string? FirstFailure => Workers.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null);

    public virtual void Dispose()
    {
    }

    /// <summary>Adds the workers, one per thread, and says how many.</summary>
    protected int AddWorkers(Func<TWorker> create)
    {
        var threads = Math.Min(Options.Threads, Options.Connections);
        for (var t = 0; t < threads; t++)
        {
            Workers.Add(create());
        }

        return threads;
    }
}
