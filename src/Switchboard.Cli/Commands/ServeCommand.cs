using System.CommandLine;
using System.Globalization;
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
    private static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "none"];

    public static Command Create()
    {
        var service = new Argument<string>("service")
        {
            Description = "The service: " + string.Join(", ", ServiceCatalog.Names.Select(DescribeService)),
        };
        service.AcceptOnlyFromAmong([.. ServiceCatalog.Names]);

        var listen = new Option<string[]>("--listen", "-l")
        {
            Description = "Endpoint to listen on, repeatable: tcp://HOST:PORT, udp://HOST:PORT, unix:///abs/path, "
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
        var asyncLoops = new Option<int>("--async-loops") { Description = "Event-loop threads of the async model on Linux (0 = half the cores, at least 1)", DefaultValueFactory = _ => 0 };
        var maxConnections = new Option<int>("--max-connections") { Description = "Most connections served at once; more are closed at accept", DefaultValueFactory = _ => 1024 };
        var idleTimeout = new Option<string>("--idle-timeout") { Description = "Close a connection idle this long (ms, s, m, h; 0 = off). Chat: a quiet member is probed instead, never cut for silence", DefaultValueFactory = _ => "5m" };
        var drain = new Option<string>("--drain") { Description = "On SIGTERM or Ctrl-C, let live connections finish this long, then abort them", DefaultValueFactory = _ => "5s" };
        var maxLine = new Option<int>("--max-line") { Description = "Longest line, in bytes, of line-based services (timestamp; chat: 4096 unless given)", DefaultValueFactory = _ => 8192 };
        var lineFlush = new Option<string>("--line-flush") { Description = "Answer a partial line after this quiet spell (timestamp)", DefaultValueFactory = _ => "200ms" };
        var noDelay = new Option<bool>("--tcp-nodelay") { Description = "TCP_NODELAY on accepted connections (--tcp-nodelay false turns it off) [default: true]", DefaultValueFactory = _ => true };
        var keepAlive = new Option<bool>("--keepalive") { Description = "SO_KEEPALIVE on accepted connections [default: false]", DefaultValueFactory = _ => false };
        var reuseAddress = new Option<bool>("--reuse-address") { Description = "SO_REUSEADDR on TCP listeners, so a restart is not refused over TIME_WAIT [default: true]", DefaultValueFactory = _ => true };
        var sendBuffer = new Option<int?>("--send-buffer") { Description = "SO_SNDBUF in bytes [default: the kernel's]" };
        var receiveBuffer = new Option<int?>("--receive-buffer") { Description = "SO_RCVBUF in bytes [default: the kernel's]" };
        var backlog = new Option<int>("--backlog") { Description = "Listen backlog (capped by net.core.somaxconn)", DefaultValueFactory = _ => 512 };
        var unixMode = new Option<string?>("--unix-mode") { Description = "Octal permissions for Unix socket files, e.g. 660 [default: from the umask]" };
        var replyRate = new Option<int>("--udp-reply-rate") { Description = "Datagram replies per second per source (0 = unlimited)", DefaultValueFactory = _ => 100 };
        var replyBurst = new Option<int>("--udp-reply-burst") { Description = "Datagram replies one source may get at once before --udp-reply-rate applies", DefaultValueFactory = _ => 200 };
        var logLevel = new Option<string>("--log-level") { Description = "Least severe log level written to stderr", DefaultValueFactory = _ => "information" };
        logLevel.AcceptOnlyFromAmong(LogLevels);
        var chat = new ChatServeOptions();

        var command = new Command("serve", "Serve a classic service or the telnet chat over TCP, UDP and Unix sockets. Prints 'listening on URI' per listener on stdout; logs go to stderr.")
        {
            service, listen, model, asyncLoops, maxConnections, idleTimeout, drain, maxLine, lineFlush, noDelay, keepAlive,
            reuseAddress, sendBuffer, receiveBuffer, backlog, unixMode, replyRate, replyBurst, logLevel,
        };
        foreach (var option in chat.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
        {
            var serviceOptions = new ServiceOptions
            {
                MaxLine = Positive(parse.GetValue(maxLine), "--max-line"),
                LineFlush = Duration(parse.GetValue(lineFlush)!, "--line-flush"),
            };
            chat.Apply(parse, serviceOptions, maxLine);
            var definition = ServiceCatalog.Create(parse.GetValue(service)!, serviceOptions)!;
            var options = new ServerOptions
            {
                Model = Enum.Parse<ConcurrencyModel>(parse.GetValue(model)!, ignoreCase: true),
                AsyncLoops = NonNegative(parse.GetValue(asyncLoops), "--async-loops"),
                MaxConnections = Positive(parse.GetValue(maxConnections), "--max-connections"),
                IdleTimeout = Duration(parse.GetValue(idleTimeout)!, "--idle-timeout"),
                DrainTimeout = Duration(parse.GetValue(drain)!, "--drain"),
                DatagramReplyRate = NonNegative(parse.GetValue(replyRate), "--udp-reply-rate"),
                DatagramReplyBurst = Positive(parse.GetValue(replyBurst), "--udp-reply-burst"),
                ServiceName = definition.Name,
                Transport = new TransportOptions
                {
                    NoDelay = parse.GetValue(noDelay),
                    KeepAlive = parse.GetValue(keepAlive),
                    ReuseAddress = parse.GetValue(reuseAddress),
                    SendBufferSize = parse.GetValue(sendBuffer) is { } send ? Positive(send, "--send-buffer") : null,
                    ReceiveBufferSize = parse.GetValue(receiveBuffer) is { } receive ? Positive(receive, "--receive-buffer") : null,
                    Backlog = Positive(parse.GetValue(backlog), "--backlog"),
                    UnixSocketMode = parse.GetValue(unixMode) is { } mode ? FileMode(mode) : null,
                },
            };

            if (definition.Name == "chat")
            {
                ChatServeOptions.AdjustServer(parse, serviceOptions, options, maxConnections);
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
                options.Listen.Add(endpoint);
            }

            var level = Enum.Parse<LogLevel>(parse.GetValue(logLevel)!, ignoreCase: true);
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
        foreach (var listener in server.Listeners)
        {
            Console.Out.WriteLine($"listening on {listener.Endpoint}");
        }

        Console.Out.Flush();
        await server.RunAsync(stop.Token);
        return ExitCodes.Success;
    }

    private static string DescribeService(string name)
    {
        var definition = ServiceCatalog.Create(name, new ServiceOptions())!;
        return string.Create(CultureInfo.InvariantCulture, $"{name} (port {definition.DefaultPort})");
    }

    private static int Positive(int value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be a positive number, not {value}");

    private static int NonNegative(int value, string option) =>
        value >= 0 ? value : throw new UsageException($"{option} must be 0 or more, not {value}");

    private static TimeSpan Duration(string text, string option) =>
        DurationParser.TryParse(text, out var duration)
            ? duration
            : throw new UsageException($"{option}: '{text}' is not a duration (e.g. 200ms, 5s, 5m, 1h; a bare number is seconds)");

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
