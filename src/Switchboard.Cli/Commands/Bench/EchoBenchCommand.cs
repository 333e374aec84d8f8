using System.CommandLine;
using Switchboard.Cli.Bench;
using Switchboard.Cli.Parsing;

namespace Switchboard.Cli.Commands.Bench;

/// <summary><c>switchboard bench echo URI</c>: flags in, <see cref="EchoLoad"/> out.</summary>
internal static class EchoBenchCommand
{
    private const int MaxSize = 16 * 1024 * 1024;
    private const int MaxDatagramSize = 65_507; // UDP over IPv4's largest payload

    public static Command Create()
    {
        var target = BenchOptions.Target();
        var connections = new Option<int>("--connections", "-c") { Description = "Client connections", DefaultValueFactory = _ => 64 };
        var size = new Option<int>("--size", "-s") { Description = "Bytes per message", DefaultValueFactory = _ => 64 };
        var inFlight = new Option<int>("--inflight", "-P") { Description = "Messages each connection keeps in flight", DefaultValueFactory = _ => 1 };
        var duration = BenchOptions.Duration("--duration", "How long to measure, after the warmup", "10s");
        var warmup = BenchOptions.Duration("--warmup", "How long to run before measuring", "2s");
        var lossTimeout = BenchOptions.Duration("--loss-timeout", "udp://, unixgram://: a datagram unanswered this long counts as lost and is replaced", "200ms");
        var threads = new Option<int>("--threads") { Description = "Load threads (each drives its share of the connections through epoll)", DefaultValueFactory = _ => 1 };
        var json = BenchOptions.Json();
        var allowRemote = BenchOptions.AllowRemote();
        var tls = new TlsConnectOptions();
        var command = new Command("echo", "Closed-loop echo load: each connection (udp://, unixgram://: each socket) keeps --inflight messages outstanding; every byte that comes back is checked. Reports msgs/s, MiB/s and latency percentiles; over datagrams also the lost (unanswered within --loss-timeout, replaced) and the late.")
        {
            target, connections, size, inFlight, duration, warmup, lossTimeout, threads, json, allowRemote,
        };
        tls.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var messageSize = BenchOptions.Positive(parse.GetValue(size), "--size");
            if (messageSize > MaxSize)
            {
                throw new UsageException($"--size must be at most {MaxSize} bytes, not {messageSize}");
            }

            var options = new EchoLoadOptions(
                await BenchTarget.ResolveAsync(parse.GetValue(target)!, parse.GetValue(allowRemote), allowTls: true, cancellationToken: cancellationToken, allowDatagrams: true),
                BenchOptions.Positive(parse.GetValue(connections), "--connections"),
                messageSize,
                BenchOptions.Positive(parse.GetValue(inFlight), "--inflight"),
                BenchOptions.ParseDuration(parse.GetValue(duration)!, "--duration"),
                BenchOptions.ParseDuration(parse.GetValue(warmup)!, "--warmup"),
                BenchOptions.Positive(parse.GetValue(threads), "--threads"));
            if (options.Target.IsDatagram && messageSize is < DatagramEchoSocket.HeaderSize + 2 or > MaxDatagramSize)
            {
                throw new UsageException($"--size must be {DatagramEchoSocket.HeaderSize + 2} to {MaxDatagramSize} bytes over datagrams, not {messageSize}");
            }

            // The clients by the target's kind; the closed loop, its counting and its summary are one (EchoLoad).
            IEchoClients clients = options.Target.IsDatagram
                ? new DatagramEchoClients(options, BenchOptions.ParseDuration(parse.GetValue(lossTimeout)!, "--loss-timeout"))
                : options.Target.Uri.Kind == Endpoints.TransportKind.Tls ? new TlsEchoClients(options, tls.Read(parse))
                : new StreamEchoClients(options);
            var load = new EchoLoad(options, clients);
            return await BenchConsole.RunAsync(load, async stop => await load.RunAsync(stop), parse.GetValue(json));
        });
        return command;
    }
}
