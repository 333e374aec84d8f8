using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Hosting;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard serve SERVICE</c>: flags in, <see cref="Server"/> options out; no logic of its own.</summary>
internal static class ServeCommand
{
    private static readonly string[] Models = ["async", "sequential", "threads", "select"];

    /// <summary>More loops than cores only add contention; each holds a thread and two descriptors.</summary>
    private const int MostAsyncLoops = 1024;

    public static Command Create()
    {
        var service = new Argument<string>("service")
        {
            Description = "The service: " + string.Join(", ", ServiceCatalog.Names.Select(DescribeService)),
        };
        service.AcceptOnlyFromAmong([.. ServiceCatalog.Names]);

        var listen = new Option<string[]>("--listen", "-l")
        {
            Description = "Endpoint to listen on, repeatable: tcp://HOST:PORT, tls://HOST:PORT (with --tls-cert/--tls-key or --tls-self-signed), udp://HOST:PORT, unix:///abs/path, "
                + "unixgram:///abs/path, unix://@abstract. Empty host = 127.0.0.1, [::] = all interfaces dual-stack, "
                + "port 0 = ephemeral. [default: tcp and udp on 127.0.0.1 at the service's default port]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var model = new Option<string>("--model", "-m")
        {
            Description = "Concurrency model: async (event loops, half the cores; scalable), sequential (one connection at a "
                + "time), threads (a thread per connection), select (one thread, readiness loop)",
            DefaultValueFactory = _ => "async",
        };
        model.AcceptOnlyFromAmong(Models);
        var asyncLoops = new Option<int>("--async-loops") { Description = "Event-loop threads of the async model on Linux (0 = half the cores, at least 1; at most 1024)", DefaultValueFactory = _ => 0 };
        var maxConnections = new Option<int>("--max-connections") { Description = "Most connections served at once, lowered (with a warning) to fit under the open-file limit less a reserve of 64 or a tenth; when full, a newcomer replaces the connection whose line has been unfinished longest (over 2 s), else it is closed at accept", DefaultValueFactory = _ => 1024 };
        var maxPerAddress = new Option<int>("--max-connections-per-ip") { Description = "Most connections served at once from one IP address; more are closed at accept (0 = no limit)", DefaultValueFactory = _ => 0 };
        var idleTimeout = new Option<string>("--idle-timeout") { Description = "Close a connection idle this long (ms, s, m, h; 0 = off). Chat: a quiet member is probed instead, never cut for silence", DefaultValueFactory = _ => "5m" };
        var drain = new Option<string>("--drain") { Description = "On SIGTERM or Ctrl-C, let live connections finish this long, then abort them", DefaultValueFactory = _ => "5s" };
        var maxLine = new Option<int>("--max-line") { Description = "Longest line, in bytes, of line-based services (timestamp; chat: 4096 unless given)", DefaultValueFactory = _ => 8192 };
        var lineFlush = new Option<string>("--line-flush") { Description = "Answer a partial line after this quiet spell (timestamp)", DefaultValueFactory = _ => "200ms" };
        var lineTimeout = new Option<string>("--line-timeout") { Description = "Close a connection whose line is not complete this long after its first byte, the first line counted from the connect; answering a partial line does not end it (timestamp; 0 = off)", DefaultValueFactory = _ => "30s" };
        var noDelay = new Option<bool>("--tcp-nodelay") { Description = "TCP_NODELAY on accepted connections (--tcp-nodelay false turns it off) [default: true]", DefaultValueFactory = _ => true };
        var keepAlive = new Option<bool>("--keepalive") { Description = "SO_KEEPALIVE on accepted connections [default: false]", DefaultValueFactory = _ => false };
        var reuseAddress = new Option<bool>("--reuse-address") { Description = "SO_REUSEADDR on TCP listeners, so a restart is not refused over TIME_WAIT [default: true]", DefaultValueFactory = _ => true };
        var sendBuffer = new Option<int?>("--send-buffer") { Description = "SO_SNDBUF in bytes [default: the kernel's]" };
        var receiveBuffer = new Option<int?>("--receive-buffer") { Description = "SO_RCVBUF in bytes [default: the kernel's]" };
        var backlog = new Option<int>("--backlog") { Description = "Listen backlog (capped by net.core.somaxconn)", DefaultValueFactory = _ => 512 };
        var unixMode = new Option<string?>("--unix-mode") { Description = "Octal permissions for Unix socket files, e.g. 660 [default: from the umask]" };
        var replyRate = new Option<int>("--udp-reply-rate") { Description = "Datagram replies per second per source address, exact at any rate; state for 65,536 sources at most (0 = unlimited)", DefaultValueFactory = _ => 100 };
        var replyBurst = new Option<int>("--udp-reply-burst") { Description = "Datagram replies one source may get at once before --udp-reply-rate applies", DefaultValueFactory = _ => 200 };
        var replyLimitLoopback = new Option<bool>("--udp-reply-limit-loopback") { Description = "Apply --udp-reply-rate to loopback and Unix sources too, which cannot be spoofed from elsewhere [default: false]" };
        var logLevel = new Option<string>("--log-level") { Description = "Least severe log level written to stderr: " + LogLevelParser.Names, DefaultValueFactory = _ => "information" };
        var chat = new ChatServeOptions();
        var tls = new TlsServeOptions();

        var command = new Command("serve", "Serve a classic service or the telnet chat over TCP, TLS, UDP and Unix sockets. Prints 'listening on URI' per listener on stdout; logs go to stderr. "
            + "Durations are at most 1193h, counts at most 1048576, byte sizes at most 1 GiB.")
        {
            service, listen, model, asyncLoops, maxConnections, maxPerAddress, idleTimeout, drain, maxLine, lineFlush, lineTimeout, noDelay, keepAlive,
            reuseAddress, sendBuffer, receiveBuffer, backlog, unixMode, replyRate, replyBurst, replyLimitLoopback, logLevel,
        };
        foreach (var option in chat.All.Concat(tls.All))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var serviceOptions = new ServiceOptions
            {
                MaxLine = Positive(parse.GetValue(maxLine), "--max-line", OptionValues.LargestBytes),
                LineFlush = Duration(parse.GetValue(lineFlush)!, "--line-flush"),
                LineTimeout = Duration(parse.GetValue(lineTimeout)!, "--line-timeout") is { } limit && limit > TimeSpan.Zero ? limit : Timeout.InfiniteTimeSpan,
            };
            var chatOptions = chat.Read(parse, serviceOptions, maxLine);
            var definition = ServiceCatalog.Create(parse.GetValue(service)!, serviceOptions, chatOptions)!;
            var options = new ServerOptions
            {
                Model = Enum.Parse<ConcurrencyModel>(parse.GetValue(model)!, ignoreCase: true),
                AsyncLoops = NonNegative(parse.GetValue(asyncLoops), "--async-loops", MostAsyncLoops),
                MaxConnections = Positive(parse.GetValue(maxConnections), "--max-connections"),
                MaxConnectionsPerAddress = NonNegative(parse.GetValue(maxPerAddress), "--max-connections-per-ip"),
                RaiseDescriptorLimit = true, // the tool owns its process

                IdleTimeout = Duration(parse.GetValue(idleTimeout)!, "--idle-timeout"),
                DrainTimeout = Duration(parse.GetValue(drain)!, "--drain"),
                DatagramReplyRate = NonNegative(parse.GetValue(replyRate), "--udp-reply-rate"),
                DatagramReplyBurst = Positive(parse.GetValue(replyBurst), "--udp-reply-burst"),
                DatagramReplyLimitLoopback = parse.GetValue(replyLimitLoopback),
                ServiceName = definition.Name,
                Transport = new TransportOptions
                {
                    NoDelay = parse.GetValue(noDelay),
                    KeepAlive = parse.GetValue(keepAlive),
                    ReuseAddress = parse.GetValue(reuseAddress),
                    SendBufferSize = parse.GetValue(sendBuffer) is { } send ? Positive(send, "--send-buffer", OptionValues.LargestBytes) : null,
                    ReceiveBufferSize = parse.GetValue(receiveBuffer) is { } receive ? Positive(receive, "--receive-buffer", OptionValues.LargestBytes) : null,
                    Backlog = Positive(parse.GetValue(backlog), "--backlog"),
                    UnixSocketMode = parse.GetValue(unixMode) is { } mode ? FileMode(mode) : null,
                },
            };

            if (definition.Name == "chat")
            {
                ChatServeOptions.AdjustServer(parse, chatOptions, options, maxConnections);
            }

            var endpoints = parse.GetValue(listen) is { Length: > 0 } given
                ? given.Select(EndpointUri.Parse).ToList()
                : [EndpointUri.Parse($"tcp://127.0.0.1:{definition.DefaultPort}"), EndpointUri.Parse($"udp://127.0.0.1:{definition.DefaultPort}")];
            if (definition.DatagramHandler is null && parse.GetValue(listen) is not { Length: > 0 })
            {
                endpoints.RemoveAll(e => !e.Kind.IsStream()); // a stream-only service (chat) listens on TCP alone
            }
            foreach (var endpoint in endpoints)
            {
                options.Listen.Add(await WithAddressAsync(endpoint, cancellationToken));
            }

            options.Tls = tls.Read(parse, [.. options.Listen]);
            var level = LogLevelParser.Parse(parse.GetValue(logLevel)!, "--log-level");
            return await ServeAsync(definition, options, level);
        });
        return command;
    }

    private static async Task<int> ServeAsync(ServiceDefinition definition, ServerOptions options, LogLevel level)
    {
        using var loggerFactory = ConsoleLogging.Create(level);
        using var stop = new StopSignal();
        using var disposableHandler = definition.StreamHandler as IDisposable;
        await using var server = new Server(options, definition.StreamHandler, definition.DatagramHandler, loggerFactory);
        server.Start();
        // SIGHUP rereads the TLS certificate and key: new connections get the new one, live ones keep theirs.
        using var reload = options.Tls is null ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, signal =>
        {
            signal.Cancel = true;
            server.ReloadTlsCertificate();
        });
        foreach (var listener in server.Listeners)
        {
            Console.Out.WriteLine($"listening on {listener.Endpoint}");
        }

        Console.Out.Flush();
        await server.RunAsync(stop.Token);
        return ExitCodes.Success;
    }

    /// <summary>A host name is looked up here, without blocking, since the server binds addresses only.</summary>
    private static async Task<EndpointUri> WithAddressAsync(EndpointUri endpoint, CancellationToken cancellationToken)
    {
        if (!endpoint.NeedsLookup)
        {
            return endpoint;
        }

        try
        {
            return EndpointUri.FromEndPoint(endpoint.Kind, await endpoint.ToEndPointAsync(cancellationToken));
        }
        catch (SocketException e)
        {
            throw new ListenerBindException($"cannot listen on {endpoint}: host '{endpoint.Host}' not found ({e.Message})", e);
        }
    }

    private static string DescribeService(string name)
    {
        var definition = ServiceCatalog.Create(name, new ServiceOptions())!;
        return string.Create(CultureInfo.InvariantCulture, $"{name} (port {definition.DefaultPort})");
    }

    // Every count and duration goes through OptionValues, so a value that parses but cannot work is one line here.
    private static int Positive(int value, string option, int max = OptionValues.LargestCount) => OptionValues.Positive(value, option, max);

    private static int NonNegative(int value, string option, int max = OptionValues.LargestCount) => OptionValues.NonNegative(value, option, max);

    private static TimeSpan Duration(string text, string option) => OptionValues.Duration(text, option);

    private static UnixFileMode FileMode(string octal)
    {
        try
        {
            var bits = Convert.ToInt32(octal, 8);
            if (bits is >= 0 and <= 0x1FF)
            {
                return (UnixFileMode)bits;
            }
        }
        catch (FormatException)
        {
        }
        catch (ArgumentException)
        {
        }

        throw new UsageException($"--unix-mode: '{octal}' is not an octal permission such as 600 or 660");
    }
}
