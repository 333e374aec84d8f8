namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>bench echo udp://</c> (and <c>unixgram://</c>): the closed loop over datagrams, as the C yardstick
/// <c>udpload</c> runs it. Each socket (<see cref="DatagramEchoSocket"/>) keeps <c>InFlight</c> datagrams
/// outstanding; every reply is checked; a datagram unanswered for the loss timeout counts as lost and is replaced,
/// so loss never stalls the loop, and a reply after that counts as late. A unixgram socket is bound to a path of its
/// own (<see cref="DatagramClientPaths"/>), removed when the run ends.
/// </summary>
internal sealed class DatagramEchoClients(EchoLoadOptions options, TimeSpan lossTimeout) : WorkerEchoClients<DatagramEchoWorker>(options)
{
    private readonly DatagramClientPaths _paths = new();

    public override bool Datagrams => true;

    public override Task OpenAsync(CancellationToken stop)
    {
        var pattern = new BytePattern(Options.Size);
        var threads = AddWorkers(() => new DatagramEchoWorker(lossTimeout));
        for (var i = 0; i < Options.Connections; i++)
        {
            var socket = Options.Target.NewDatagramSocket(_paths);
            Workers[i % threads].Add(new DatagramEchoSocket(socket, pattern, Options.Size, Options.InFlight));
        }

        return Task.CompletedTask;
    }

    public override void Dispose()
    {
        _paths.Dispose();
        base.Dispose();
    }
}
