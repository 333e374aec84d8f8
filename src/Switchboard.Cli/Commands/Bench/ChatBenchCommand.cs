using System.CommandLine;
using Switchboard.Cli.Bench;
using Switchboard.Cli.Parsing;

namespace Switchboard.Cli.Commands.Bench;

/// <summary><c>switchboard bench chat URI</c>: flags in, <see cref="ChatLoad"/> out.</summary>
internal static class ChatBenchCommand
{
    public static Command Create()
    {
        var target = BenchOptions.Target();
        var more = new Option<string[]>("--also")
        {
            Description = "Another server of the same cluster (serve chat --backplane), repeatable: members are dealt round-robin over the target and these, member 0 on the target; the first member on each server is a probe that paces the window [default: none]",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var members = new Option<int>("--members", "-n") { Description = "Members that join and read everything", DefaultValueFactory = _ => 100 };
        var senders = new Option<int>("--senders", "-k") { Description = "How many of the members also send (the last ones to join)", DefaultValueFactory = _ => 10 };
        var rate = new Option<int>("--rate", "-r") { Description = "Lines per second per sender; 0 = as fast as --window allows", DefaultValueFactory = _ => 0 };
        var window = new Option<int>("--window", "-W") { Description = "Lines a sender keeps in flight, counted until member 0 (with --also: the first member on every server) has seen them", DefaultValueFactory = _ => 8 };
        var duration = BenchOptions.Duration("--duration", "How long to measure, after the warmup", "10s");
        var warmup = BenchOptions.Duration("--warmup", "How long to send before measuring", "2s");
        var nick = new Option<bool>("--nick", "-N") { Description = "Each member first sends a nick line m<i> (for servers that ask for one, as switchboard's chat does) [default: false]" };
        var json = BenchOptions.Json();
        var allowRemote = BenchOptions.AllowRemote();
        var tls = new TlsConnectOptions();
        var command = new Command("chat", "Fan-out load on a line-relaying chat server (switchboard serve chat, ncat --chat): members join, some send timestamped lines, all read. Reports deliveries/s, delivery latency and members dropped.")
        {
            target, more, members, senders, rate, window, duration, warmup, nick, json, allowRemote,
        };
        tls.AddTo(command);

        command.SetAction(async (parse, cancellationToken) =>
        {
            var memberCount = BenchOptions.Positive(parse.GetValue(members), "--members");
            var senderCount = BenchOptions.Positive(parse.GetValue(senders), "--senders");
            if (senderCount >= memberCount)
            {
                throw new UsageException($"--senders ({senderCount}) must be fewer than --members ({memberCount}): member 0 only reads");
            }

            var options = new ChatLoadOptions(
                await BenchTarget.ResolveAsync(parse.GetValue(target)!, parse.GetValue(allowRemote), allowTls: true, cancellationToken: cancellationToken),
                memberCount,
                senderCount,
                BenchOptions.NonNegative(parse.GetValue(rate), "--rate"),
                BenchOptions.Positive(parse.GetValue(window), "--window"),
                BenchOptions.ParseDuration(parse.GetValue(duration)!, "--duration"),
                BenchOptions.ParseDuration(parse.GetValue(warmup)!, "--warmup"),
                parse.GetValue(nick))
            {
                Others = [.. await Task.WhenAll((parse.GetValue(more) ?? []).Select(t => BenchTarget.ResolveAsync(t, parse.GetValue(allowRemote), allowTls: false, cancellationToken: cancellationToken)))],
            };
            var isTls = options.Target.Uri.Kind == Endpoints.TransportKind.Tls;
            if (isTls && options.Others.Count > 0)
            {
                throw new UsageException("bench chat over tls:// takes one target");
            }

            // The members by the target's kind; the fan-out's counting and its summary are one (ChatLoad).
            var load = new ChatLoad(options, isTls ? new TlsChatMembers(tls.Read(parse)) : new EpollChatMembers());
            return await BenchConsole.RunAsync(load, async stop => await load.RunAsync(stop), parse.GetValue(json));
        });
        return command;
    }
}
