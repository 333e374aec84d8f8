namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>bench echo tcp://</c> and <c>unix://</c>: plain connections, spread over <c>--threads</c> epoll threads
/// (<see cref="EchoWorker"/>), each pumping its <see cref="EchoClient"/>s without allocating per message.
/// </summary>
internal sealed class StreamEchoClients(EchoLoadOptions options) : WorkerEchoClients<EchoWorker>(options)
{
    public override bool Datagrams => false;

    public override async Task OpenAsync(CancellationToken stop)
    {
        var receiveBufferSize = Math.Clamp(Options.Size * Options.InFlight, 16 * 1024, 256 * 1024);
        var pattern = new BytePattern(Math.Max(Options.Size, receiveBufferSize));
        var threads = AddWorkers(() => new EchoWorker(receiveBufferSize));
        try
        {
            for (var i = 0; i < Options.Connections; i++)
            {
                var socket = await BenchConnect.ConnectAsync(Options.Target, stop);
                Workers[i % threads].Add(new EchoClient(socket, pattern, Options.Size, Options.InFlight));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Ctrl-C while connecting: the workers stop at once and the summary says nothing was measured.
        }
    }
}
