using System.CommandLine;
using Switchboard.Cli.Bench;
using Switchboard.Cli.Parsing;

namespace Switchboard.Cli.Commands.Bench;

/// <summary><c>switchboard bench echo URI</c>: flags in, <see cref="EchoLoad"/> out.</summary>
internal static class EchoBenchCommand
{
    private const int MaxSize = 16 * 1024 * 1024;

    public static Command Create()
    {
        var target = BenchOptions.Target();
        var connections = new Option<int>("--connections", "-c") { Description = "Client connections", DefaultValueFactory = _ => 64 };
        var size = new Option<int>("--size", "-s") { Description = "Bytes per message", DefaultValueFactory = _ => 64 };
        var inFlight = new Option<int>("--inflight", "-P") { Description = "Messages each connection keeps in flight", DefaultValueFactory = _ => 1 };
        var duration = BenchOptions.Duration("--duration", "How long to measure, after the warmup", "10s");
        var warmup = BenchOptions.Duration("--warmup", "How long to run before measuring", "2s");
        var threads = new Option<int>("--threads") { Description = "Load threads (each drives its share of the connections through epoll)", DefaultValueFactory = _ => 1 };
        var json = BenchOptions.Json();
        var allowRemote = BenchOptions.AllowRemote();
        var tls = new TlsConnectOptions();
        var command = new Command("echo", "Closed-loop echo load: each connection keeps --inflight messages outstanding; every byte that comes back is checked. Reports msgs/s, MiB/s and latency percentiles.")
        {
            target, connections, size, inFlight, duration, warmup, threads, json, allowRemote,
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
                await BenchTarget.ResolveAsync(parse.GetValue(target)!, parse.GetValue(allowRemote), allowTls: true, cancellationToken: cancellationToken),
                BenchOptions.Positive(parse.GetValue(connections), "--connections"),
                messageSize,
                BenchOptions.Positive(parse.GetValue(inFlight), "--inflight"),
                BenchOptions.ParseDuration(parse.GetValue(duration)!, "--duration"),
                BenchOptions.ParseDuration(parse.GetValue(warmup)!, "--warmup"),
                BenchOptions.Positive(parse.GetValue(threads), "--threads"));
            if (options.Target.Uri.Kind == Endpoints.TransportKind.Tls)
            {
                var tlsLoad = new TlsEchoLoad(options, tls.Read(parse));
                return await BenchConsole.RunAsync(tlsLoad, async stop => await tlsLoad.RunAsync(stop), parse.GetValue(json));
            }

            var load = new EchoLoad(options);
            return await BenchConsole.RunAsync(load, async stop => await load.RunAsync(stop), parse.GetValue(json));
        });
        return command;
    }
}
