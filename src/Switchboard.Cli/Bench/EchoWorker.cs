namespace Switchboard.Cli.Bench;

/// <summary>One load thread of <c>bench echo</c> over connections: owns a share of them, waits on them with epoll and pumps the ready ones.</summary>
internal sealed class EchoWorker(int receiveBufferSize) : EpollEchoWorker
{
    private readonly List<EchoClient> _clients = [];
    private readonly byte[] _receiveBuffer = new byte[receiveBufferSize];

    protected override string ThreadName => "bench echo";

    public void Add(EchoClient client) => _clients.Add(client);

    protected override void Run(CancellationToken stop)
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

        while (!stop.IsCancellationRequested && BenchClock.Now < MeasureUntil)
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
    }

    private void Pump(EpollSet epoll, EchoClient client)
    {
        if (client.Failure is not null || client.Pump(this, _receiveBuffer, sending: true))
        {
            return;
        }

        OnFailed(client.Failure);
        epoll.Remove(client.Handle);
    }
}
