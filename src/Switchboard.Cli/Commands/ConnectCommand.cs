using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Hosting;
using Switchboard.Cli.Parsing;
using Switchboard.Cli.Relay;
using Switchboard.Cli.Scan;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Transport;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard connect URI</c>: the netcat-grade client. Flags in, <see cref="SocketClient"/> and a relay out.</summary>
internal static class ConnectCommand
{
    public static Command Create()
    {
        var target = new Argument<string[]>("target")
        {
            Description = "Where to connect: tcp://HOST:PORT, tls://HOST:PORT (certificate verified), udp://HOST:PORT, unix:///path, unixgram:///path (IPv6 in brackets); "
                + "or as nc takes it: HOST PORT (tcp; -u: udp), -U PATH; with -z, HOST PORT|LOW-HIGH...",
            Arity = ArgumentArity.OneOrMore,
        };
        ParseErrorReport.RejectOptionLike(target);
        var timeout = OptionFlags.Create(nameof(ClientOptions.ConnectTimeout), "Connect timeout, per address tried", new ClientOptions().ConnectTimeout);
        var ipv4 = new Option<bool>("--ipv4", "-4") { Description = "Use IPv4 addresses only [default: false: every family]" };
        var ipv6 = new Option<bool>("--ipv6", "-6") { Description = "Use IPv6 addresses only [default: false: every family]" };
        var source = new Option<string?>("--source", "-s") { Description = "Local address to bind first: ADDR, ADDR:PORT, [V6]:PORT, :PORT; a path for unix and unixgram [default: the kernel picks]" };
        var wait = new Option<string>("--wait") { Description = "Datagrams: after stdin EOF, exit once no reply has come for this long", DefaultValueFactory = _ => DurationParser.Format(new RelayOptions().DatagramWait) };
        var perChunk = new Option<bool>("--datagram-per-chunk") { Description = "Datagrams: one per stdin read instead of one per line [default: false]" };
        var shared = new RelayOptionSet();
        var netcat = new NetcatOptionSet();
        var tls = new TlsConnectOptions();
        var scan = new Option<bool>("--scan", "-z") { Description = "nc's zero-I/O scan: connect to each PORT or LOW-HIGH range and close at once; exit 0 if any accepted. Loopback only unless --allow-remote [default: false]" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "With -z, allow scanning a host that is not a loopback address [default: false]" };
        var exec = new ExecRunOptions();

        var command = new Command(
            "connect",
            "Connect to URI and relay: stdin goes to the peer, what the peer sends goes to stdout, byte for byte. On a "
            + "terminal, lines are sent as you end them with Enter; Ctrl-D is end of file. Over udp and unixgram each "
            + "stdin line is one datagram. A host name is tried address by address until one connects. "
            + "'switchboard connect --help' ends with the end-of-file policy.")
        {
            target, timeout, ipv4, ipv6, source, wait, perChunk, scan, allowRemote,
        };
        shared.AddTo(command);
        netcat.AddTo(command);
        tls.AddTo(command);
        exec.AddTo(command);

        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(ipv4) && parse.GetValue(ipv6))
            {
                throw new UsageException("-4 and -6 exclude each other");
            }

            var tokens = parse.GetValue(target)!;
            var flags = netcat.Flags(parse);
            var connectTimeout = OptionValues.Parse(parse.GetValue(timeout)!, timeout.Name);
            new ClientOptions { ConnectTimeout = connectTimeout }.Validate(); // the scan uses it too
            if (parse.GetValue(scan))
            {
                return await ScanAsync(tokens, flags, connectTimeout, parse.GetValue(ipv4), parse.GetValue(ipv6), parse.GetValue(allowRemote), shared.Read(parse).Verbose);
            }

            var endpoint = NetcatTarget.ForConnect(tokens, flags);
            var local = parse.GetValue(source) is { } text ? SourceAddressParser.Parse(text, endpoint.Kind) : null;
            var family = parse.GetValue(ipv4) ? AddressFamily.InterNetwork
                : parse.GetValue(ipv6) ? AddressFamily.InterNetworkV6
                : local is IPEndPoint { Address: var a } && !a.Equals(IPAddress.Any) ? a.AddressFamily
                : AddressFamily.Unspecified;
            var client = new ClientOptions
            {
                ConnectTimeout = connectTimeout,
                AddressFamily = family,
                LocalEndPoint = local,
                Tls = endpoint.Kind == TransportKind.Tls ? tls.Read(parse) : null,
            };
            var relay = shared.Read(parse) with
            {
                DatagramWait = RelayOptionSet.Duration(parse.GetValue(wait)!, "--wait"),
                DatagramPerChunk = parse.GetValue(perChunk),
            };
            var program = exec.Read(parse, "connect", endpoint);
            return program is null
                ? await RunAsync(endpoint, client, relay, netcat.Crlf(parse))
                : await ExecAsync(endpoint, client, program, relay.Verbose);
        });
        return command;
    }

    private static async Task<int> ScanAsync(string[] tokens, NetcatTarget.Flags flags, TimeSpan timeout, bool ipv4, bool ipv6, bool allowRemote, bool verbose)
    {
        using var stop = new StopSignal();
        if (flags.Udp)
        {
            throw new UsageException("-z probes TCP ports and Unix stream paths: UDP has no handshake to probe");
        }

        if (flags.Unix)
        {
            return tokens.Length == 1
                ? await PortScan.RunUnixAsync(tokens[0], timeout, stop.Token)
                : throw new UsageException("-z -U takes one path");
        }

        if (tokens.Length < 2)
        {
            throw new UsageException("-z needs a HOST and at least one PORT or LOW-HIGH range: connect -z 127.0.0.1 20-30");
        }

        var family = ipv4 ? AddressFamily.InterNetwork : ipv6 ? AddressFamily.InterNetworkV6 : AddressFamily.Unspecified;
        var request = new PortScan.Request(tokens[0], PortScan.ParsePorts(tokens[1..]), timeout, family, allowRemote, verbose);
        return await PortScan.RunAsync(request, stop.Token);
    }

    private static async Task<int> RunAsync(EndpointUri endpoint, ClientOptions client, RelayOptions relay, bool crlf)
    {
        using var stop = new StopSignal();
        IStdinSource stdin = crlf ? new CrlfStdinSource(ConsoleStreams.Stdin()) : ConsoleStreams.Stdin();
        using var stdout = new RawOutput(ConsoleStreams.Stdout());
        try
        {
            RelayOutcome outcome;
            if (endpoint.Kind.IsStream())
            {
                await using var connection = await SocketClient.ConnectAsync(endpoint, client, stop.Token);
                Say(relay, $"connected to {endpoint} ({connection.RemoteText})");
                outcome = await StreamRelay.RunAsync(
                    connection.Input, connection.Output, () => connection.ShutdownOutputAsync(), stdin, stdout, relay, stop.Token);
            }
            else
            {
                using var datagrams = await SocketClient.OpenDatagramAsync(endpoint, client, stop.Token);
                Say(relay, $"sending to {endpoint} from {EndpointText.Format(datagrams.LocalEndPoint)}");
                outcome = await DatagramRelay.RunAsync(datagrams, stdin, stdout, relay, stop.Token);
            }

            Say(relay, $"done: {outcome.Describe()}");
            return ExitFor(outcome, endpoint);
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            return ExitCodes.Success; // Ctrl-C while connecting
        }
        catch (Exception e) when (CommandFailure.Knows(e))
        {
            return CommandFailure.Report(e, endpoint); // here, where the endpoint is known, for a socket error
        }
    }

    /// <summary>ncat's <c>-e</c> after a connect: the program talks to the server; its status is ours.</summary>
    private static async Task<int> ExecAsync(EndpointUri endpoint, ClientOptions client, ExecOptions program, bool verbose)
    {
        using var stop = new StopSignal();
        using var loggers = ExecLogging(program, verbose);
        using var service = new ExecService(program, loggers); // before connecting: a program that cannot run is one line, exit 2
        try
        {
            await using var connection = await SocketClient.ConnectAsync(endpoint, client, stop.Token);
            Say(verbose, $"connected to {endpoint} ({connection.RemoteText}); running {program.Program}");
            var exit = await service.RunAsync(connection, stop.Token);
            Say(verbose, $"done: {program.Program} {exit.Describe()}");
            return exit.ShellStatus;
        }
        catch (OperationCanceledException) when (stop.Token.IsCancellationRequested)
        {
            return ExitCodes.Success; // Ctrl-C while connecting
        }
        catch (Exception e) when (CommandFailure.Knows(e))
        {
            return CommandFailure.Report(e, endpoint);
        }
    }

    /// <summary>
    /// The exec service's log on stderr: warnings (a spawn that failed) always; with <c>--stderr log</c> or
    /// <c>-v</c> also the program's stderr lines and its exit.
    /// </summary>
    internal static ILoggerFactory ExecLogging(ExecOptions program, bool verbose) =>
        ConsoleLogging.Create(program.Stderr == ExecStderr.Log || verbose ? LogLevel.Information : LogLevel.Warning);

    internal static int ExitFor(RelayOutcome outcome, EndpointUri endpoint)
    {
        if (outcome == RelayOutcome.Idle)
        {
            return ConsoleStreams.Fail($"{endpoint}: idle timeout: nothing moved either way");
        }

        return ExitCodes.Success;
    }

    private static void Say(RelayOptions relay, string message) => Say(relay.Verbose, message);

    private static void Say(bool verbose, string message)
    {
        if (verbose)
        {
            Console.Error.WriteLine($"switchboard: {message}");
        }
    }
}
