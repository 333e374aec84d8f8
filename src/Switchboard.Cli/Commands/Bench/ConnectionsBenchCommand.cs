using System.CommandLine;
using Switchboard.Cli.Bench;

namespace Switchboard.Cli.Commands.Bench;

/// <summary><c>switchboard bench connections URI</c>: flags in, <see cref="ConnectionsLoad"/> out.</summary>
internal static class ConnectionsBenchCommand
{
    public static Command Create()
    {
        var target = BenchOptions.Target();
        var count = new Option<int>("--count", "-n") { Description = "Idle connections to open and hold", DefaultValueFactory = _ => 1000 };
        var duration = BenchOptions.Duration("--duration", "How long to hold them once open", "10s");
        var concurrency = new Option<int>("--concurrency") { Description = "Connects in progress at once", DefaultValueFactory = _ => 16 };
        var json = BenchOptions.Json();
        var allowRemote = BenchOptions.AllowRemote();
        var tls = new TlsConnectOptions();
        var command = new Command("connections", "Open --count idle connections (tcp://, unix:// or tls://, handshaken) and hold them; reports how many the server accepted (still open at the end) and how fast they opened. Prints 'bench: N of M connections open' on stderr when the hold starts.")
        {
            target, count, duration, concurrency, json, allowRemote,
        };
        tls.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ConnectionsLoadOptions(
                await BenchTarget.ResolveAsync(parse.GetValue(target)!, parse.GetValue(allowRemote), allowTls: true, cancellationToken: cancellationToken),
                BenchOptions.Positive(parse.GetValue(count), "--count"),
                BenchOptions.ParseDuration(parse.GetValue(duration)!, "--duration"),
                BenchOptions.Positive(parse.GetValue(concurrency), "--concurrency"));
            var load = new ConnectionsLoad(options, options.Target.Uri.Kind == Endpoints.TransportKind.Tls ? tls.Read(parse) : null);
            return await BenchConsole.RunAsync(load, async stop => await load.RunAsync(Console.Error, stop), parse.GetValue(json));
        });
        return command;
    }
}
