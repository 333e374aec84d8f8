using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Switchboard.Client;
using Switchboard.Security;

namespace Switchboard.Cli.Bench;

/// <summary>
/// <c>bench chat tls://…</c>: the members as library <see cref="ClientConnection"/>s (SslStream on the runtime's
/// engine), each read by an async loop, and each sender writing from a loop of its own, rather than one epoll
/// thread over raw sockets: the TLS record layer needs a stream.
/// </summary>
internal sealed class TlsChatMembers(TlsClientOptions tls) : IChatMembers
{
    private readonly List<TlsChatMember> _members = [];
    private ChatLoad _load = null!;
    private volatile bool _ending;

    public string Note => " (TLS)";

    public async Task RunAsync(ChatLoad load, CancellationToken stop)
    {
        _load = load;
        var readers = new List<Task>();
        try
        {
            await JoinAsync(readers, stop);
            load.BeginMeasuring();
            await Task.WhenAll(_members.Where(m => m.IsSender).Select(m => Task.Run(() => SendAsync(m, stop), CancellationToken.None)));
        }
        finally
        {
            _ending = true; // the aborts below end the readers: not the server dropping members
            foreach (var member in _members)
            {
                member.Connection.Abort();
            }

            await Task.WhenAll(readers);
            foreach (var member in _members)
            {
                await member.Connection.DisposeAsync();
                member.Acknowledgements.Dispose();
            }
        }

        foreach (var member in _members.Where(m => m.Latency is not null))
        {
            load.AddLatency(member.Latency!);
        }
    }

    private async Task JoinAsync(List<Task> readers, CancellationToken stop)
    {
        var options = _load.Options;
        var clientOptions = new ClientOptions { ConnectTimeout = BenchConnect.Timeout, Tls = tls };
        var firstSender = options.Members - options.Senders;
        for (var i = 0; i < options.Members && !stop.IsCancellationRequested; i++)
        {
            ClientConnection connection;
            try
            {
                connection = await SocketClient.ConnectAsync(options.Target.Uri, clientOptions, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (ClientConnectException e)
            {
                throw new BenchConnectException(e.Message);
            }

            var member = new TlsChatMember(connection, i, samples: ChatLoad.SamplesLatency(i, servers: 1), sends: i >= firstSender);
            _members.Add(member);
            readers.Add(Task.Run(() => ReadAsync(member), CancellationToken.None));
            if (options.Nick)
            {
                // LF, as nc sends: our chat takes a CR LF for a telnet client and would ask it for binary mode.
                await connection.Output.WriteAsync(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"m{i}\n")), stop);
            }

            _load.OnJoined();
        }
    }

    private async Task ReadAsync(TlsChatMember member)
    {
        try
        {
            await member.ReadAsync(OnLine);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // A reset is the server dropping this member too; our own abort at the end is not counted below.
        }

        if (!_ending)
        {
            _load.OnDropped();
        }
    }

    private void OnLine(TlsChatMember reader, int sender, long sequence, long sendTicks)
    {
        var now = BenchClock.Now;
        _load.OnDeliveryFromAnyThread(now);
        if (reader.Latency is { } latency && _load.Measuring(now))
        {
            LatencyPercentiles.Record(latency, BenchClock.ToNanoseconds(now - sendTicks));
        }

        // Member 0 is the probe: a line it has seen no longer counts against its sender's window.
        if (reader.Index == 0 && sender >= 0 && sender < _members.Count)
        {
            _members[sender].Acknowledge(sequence);
        }
    }

    private async Task SendAsync(TlsChatMember member, CancellationToken stop)
    {
        var options = _load.Options;
        var ticksPerLine = options.Rate > 0 ? BenchClock.Ticks(TimeSpan.FromSeconds(1.0 / options.Rate)) : 0;
        var line = new byte[96];
        long sent = 0;
        var nextSendAt = BenchClock.Now;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var now = BenchClock.Now;
                if (now >= _load.MeasureUntil)
                {
                    return;
                }

                if (sent - member.Acknowledged >= options.Window)
                {
                    // Woken by member 0; the timeout only bounds a wait on a line the server never relayed.
                    await member.Acknowledgements.WaitAsync(TimeSpan.FromMilliseconds(100), stop);
                    continue;
                }

                if (now < nextSendAt)
                {
                    await Task.Delay(TimeSpan.FromSeconds(BenchClock.ToSeconds(nextSendAt - now)), stop);
                    continue;
                }

                var length = ChatLine.Format(line, member.Index, sent, now);
                await member.Connection.Output.WriteAsync(line.AsMemory(0, length), stop);
                sent++;
                _load.OnSentFromAnyThread(now);
                nextSendAt = ticksPerLine == 0 ? now : Math.Max(nextSendAt + ticksPerLine, now - BenchClock.Ticks(TimeSpan.FromSeconds(1)));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The server dropped this sender: its reader counts it.
        }
    }
}
