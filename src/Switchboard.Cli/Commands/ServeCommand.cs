using System.CommandLine;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Switchboard.Cli.Hosting;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Hosting;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Cli.Commands;

/// <summary><c>switchboard serve SERVICE</c>: flags in, <see cref="Server"/> options out; no logic of its own.</summary>
internal static class ServeCommand
{
    private static readonly string[] Models = ["async", "sequential", "threads", "select"];

    /// <summary>The service that is not in the catalogue: it needs a program, and has no port of its own.</summary>
    private const string ExecName = "exec";

    private const string Transport = nameof(ServerOptions.Transport) + ".";

    // The defaults --help shows and the flags start from: the library's own.
    private static readonly ServerOptions Server = new();
    private static readonly ServiceOptions Services = new();

    public static Command Create()
    {
        var service = new Argument<string>("service")
        {
            Description = "The service: " + string.Join(", ", ServiceCatalog.Names.Select(DescribeService))
                + ", or exec: a program per connection, its stdin what the peer sends, its stdout what the peer reads (serve exec --listen URI -- PROGRAM [ARGS...], or --sh-exec \"COMMAND\")",
        };
        service.AcceptOnlyFromAmong([.. ServiceCatalog.Names, ExecName]);

        var listenFlag = OptionFlags.For(nameof(ServerOptions.Listen));
        var listen = new Option<string[]>(listenFlag.Name, listenFlag.Aliases)
        {
            Description = "Endpoint to listen on, repeatable: tcp://HOST:PORT, tls://HOST:PORT (with --tls-cert/--tls-key or --tls-self-signed), udp://HOST:PORT, unix:///abs/path, "
                + "unixgram:///abs/path, unix://@abstract. Empty host = 127.0.0.1, [::] = all interfaces dual-stack, "
                + "port 0 = ephemeral. Handed over by systemd or a parent: fd://N, systemd:NAME (LISTEN_FDNAMES), systemd: (all passed). [default: tcp and udp on 127.0.0.1 at the service's default port]",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var model = OptionFlags.Create(
            nameof(ServerOptions.Model),
            "Concurrency model: async (event loops, half the cores; scalable), sequential (one connection at a "
                + "time), threads (a thread per connection), select (one thread, readiness loop)",
            Server.Model.ToString().ToLowerInvariant());
        model.AcceptOnlyFromAmong(Models);
        var asyncLoops = OptionFlags.Create<int>(nameof(ServerOptions.AsyncLoops), $"Event-loop threads of the async model on Linux (0 = half the cores, at least 1; at most {ServerOptions.MostAsyncLoops})", Server.AsyncLoops);
        var maxConnections = OptionFlags.Create<int>(nameof(ServerOptions.MaxConnections), Invariant($"Most connections served at once, lowered (with a warning) to fit under the open-file limit less a reserve of {Server.DescriptorReserve} or a tenth; when full, a newcomer replaces the connection whose line has been unfinished longest (over {DurationParser.Format(Server.EvictionGrace)}), else it is closed at accept (exec: the limit on programs running; newcomers wait in the backlog instead)"), Server.MaxConnections);
        var maxPerAddress = OptionFlags.Create<int>(nameof(ServerOptions.MaxConnectionsPerAddress), "Most connections served at once from one IP address; more are closed at accept (0 = no limit)", Server.MaxConnectionsPerAddress);
        var idleTimeout = OptionFlags.Create(nameof(ServerOptions.IdleTimeout), "Close a connection idle this long (ms, s, m, h; 0 = off). Chat: a quiet member is probed instead, never cut for silence", Server.IdleTimeout);
        var drain = OptionFlags.Create(nameof(ServerOptions.DrainTimeout), "On SIGTERM or Ctrl-C, let live connections finish this long, then abort them", Server.DrainTimeout);
        var maxLine = OptionFlags.Create<int>(nameof(ServiceOptions.MaxLine), Invariant($"Longest line, in bytes, of line-based services (timestamp; chat: {ChatServeOptions.Defaults.MaxLineBytes} unless given)"), Services.MaxLine);
        var lineFlush = OptionFlags.Create(nameof(ServiceOptions.LineFlush), "Answer a partial line after this quiet spell (timestamp)", Services.LineFlush);
        var lineTimeout = OptionFlags.Create(nameof(ServiceOptions.LineTimeout), "Close a connection whose line is not complete this long after its first byte, the first line counted from the connect; answering a partial line does not end it (timestamp; 0 = off)", Services.LineTimeout);
        var noDelay = OptionFlags.Create<bool>(Transport + nameof(TransportOptions.NoDelay), "TCP_NODELAY on accepted connections (--tcp-nodelay false turns it off)", Server.Transport.NoDelay);
        var keepAlive = OptionFlags.Create<bool>(Transport + nameof(TransportOptions.KeepAlive), "SO_KEEPALIVE on accepted connections", Server.Transport.KeepAlive);
        var reuseAddress = OptionFlags.Create<bool>(Transport + nameof(TransportOptions.ReuseAddress), "SO_REUSEADDR on TCP listeners, so a restart is not refused over TIME_WAIT", Server.Transport.ReuseAddress);
        var sendBuffer = new Option<int?>(OptionFlags.For(Transport + nameof(TransportOptions.SendBufferSize)).Name) { Description = "SO_SNDBUF in bytes [default: the kernel's]" };
        var receiveBuffer = new Option<int?>(OptionFlags.For(Transport + nameof(TransportOptions.ReceiveBufferSize)).Name) { Description = "SO_RCVBUF in bytes [default: the kernel's]" };
        var backlog = OptionFlags.Create<int>(Transport + nameof(TransportOptions.Backlog), "Listen backlog (capped by net.core.somaxconn)", Server.Transport.Backlog);
        var udpBatch = OptionFlags.Create<int>(Transport + nameof(TransportOptions.DatagramBatchSize), Invariant($"Datagrams a UDP or unixgram listener receives (recvmmsg) and replies sent (sendmmsg) per system call, under the async and select models on Linux; 1 = one datagram per call (at most {TransportOptions.MostDatagramBatchSize})"), Server.Transport.DatagramBatchSize);
        var unixMode = new Option<string?>(OptionFlags.For(Transport + nameof(TransportOptions.UnixSocketMode)).Name) { Description = "Octal permissions for Unix socket files, e.g. 660 [default: from the umask]" };
        var replyRate = OptionFlags.Create<int>(nameof(ServerOptions.DatagramReplyRate), "Datagram replies per second per source address, exact at any rate; state for 65,536 sources at most (0 = unlimited)", Server.DatagramReplyRate);
        var replyBurst = OptionFlags.Create<int>(nameof(ServerOptions.DatagramReplyBurst), $"Datagram replies one source may get at once before {OptionFlags.For(nameof(ServerOptions.DatagramReplyRate)).Name} applies", Server.DatagramReplyBurst);
        var replyLimitLoopback = OptionFlags.Create<bool>(nameof(ServerOptions.DatagramReplyLimitLoopback), $"Apply {OptionFlags.For(nameof(ServerOptions.DatagramReplyRate)).Name} to loopback and Unix sources too, which cannot be spoofed from elsewhere", Server.DatagramReplyLimitLoopback);
        var logLevel = new Option<string>("--log-level") { Description = "Least severe log level written to stderr: " + LogLevelParser.Names, DefaultValueFactory = _ => "information" };
        var logFormat = LogFormatOption.Create();
        var chat = new ChatServeOptions();
        var backplane = new BackplaneServeOptions();
        var tls = new TlsServeOptions();
        var config = new ServeConfiguration();
        var exec = new ExecServeOptions();

        var command = new Command("serve", "Serve a classic service or the telnet chat over TCP, TLS, UDP and Unix sockets. Prints 'listening on URI' per listener on stdout; logs go to stderr. "
            + Invariant($"Durations are at most {Math.Floor(OptionLimits.LongestDuration.TotalHours)}h, counts at most {OptionLimits.LargestCount}, byte sizes at most {OptionLimits.LargestBytes / (1024 * 1024 * 1024)} GiB."))
        {
            service, listen, model, asyncLoops, maxConnections, maxPerAddress, idleTimeout, drain, maxLine, lineFlush, lineTimeout, noDelay, keepAlive,
            reuseAddress, sendBuffer, receiveBuffer, backlog, udpBatch, unixMode, replyRate, replyBurst, replyLimitLoopback, logLevel, logFormat,
        };
        foreach (var option in chat.All.Concat(backplane.All).Concat(tls.All).Concat(config.All).Concat(exec.All))
        {
            command.Options.Add(option);
        }

        command.Arguments.Add(exec.Program);

        command.SetAction(async (parse, cancellationToken) =>
        {
            // The file and the environment first (an error there names its key), then the flags given, which win: the
            // options types check the values (Validate), and CommandFailure names the flag.
            if (ParseErrorReport.UnknownOptionTakenAsProgram(parse, exec.Program) is { } unknown)
            {
                ParseErrorReport.WriteUnknown(parse, unknown, Console.Error);
                return ExitCodes.UsageError;
            }

            var name = parse.GetValue(service)!.ToLowerInvariant();
            var isExec = name == ExecName;
            if (!isExec && exec.IsGiven(parse))
            {
                throw new UsageException($"serve {name}: only exec takes a program (serve exec --listen URI -- PROGRAM)");
            }

            var execOptions = isExec ? exec.Read(parse, "serve exec") : null;
            var configured = config.Read(parse);
            var serviceOptions = new ServiceOptions
            {
                MaxLine = Pick(parse, maxLine, configured.Services.MaxLine),
                LineFlush = PickDuration(parse, lineFlush, configured.Services.LineFlush),
                LineTimeout = IsGiven(parse, lineTimeout)
                    ? (OptionValues.Parse(parse.GetValue(lineTimeout)!, lineTimeout.Name) is { } limit && limit > TimeSpan.Zero ? limit : Timeout.InfiniteTimeSpan)
                    : configured.Services.LineTimeout,
            };
            serviceOptions.Validate();
            var chatOptions = chat.Read(parse, serviceOptions, maxLine, configured.Chat);
            var backplaneOptions = backplane.Read(parse);
            var options = new ServerOptions
            {
                Model = IsGiven(parse, model) ? Enum.Parse<ConcurrencyModel>(parse.GetValue(model)!, ignoreCase: true) : configured.Server.Model,
                LoopBackend = configured.Server.LoopBackend,
                AsyncLoops = Pick(parse, asyncLoops, configured.Server.AsyncLoops),
                MaxConnections = Pick(parse, maxConnections, configured.Server.MaxConnections),
                MaxConnectionsPerAddress = Pick(parse, maxPerAddress, configured.Server.MaxConnectionsPerAddress),
                DescriptorReserve = configured.Server.DescriptorReserve,
                EvictionGrace = configured.Server.EvictionGrace,
                RaiseDescriptorLimit = true, // the tool owns its process

                IdleTimeout = PickDuration(parse, idleTimeout, configured.Server.IdleTimeout),
                DrainTimeout = PickDuration(parse, drain, configured.Server.DrainTimeout),
                DatagramReplyRate = Pick(parse, replyRate, configured.Server.DatagramReplyRate),
                DatagramReplyBurst = Pick(parse, replyBurst, configured.Server.DatagramReplyBurst),
                DatagramReplyLimitLoopback = Pick(parse, replyLimitLoopback, configured.Server.DatagramReplyLimitLoopback),
                Transport = new TransportOptions
                {
                    NoDelay = Pick(parse, noDelay, configured.Server.Transport.NoDelay),
                    KeepAlive = Pick(parse, keepAlive, configured.Server.Transport.KeepAlive),
                    ReuseAddress = Pick(parse, reuseAddress, configured.Server.Transport.ReuseAddress),
                    SendBufferSize = parse.GetValue(sendBuffer) ?? configured.Server.Transport.SendBufferSize,
                    ReceiveBufferSize = parse.GetValue(receiveBuffer) ?? configured.Server.Transport.ReceiveBufferSize,
                    Backlog = Pick(parse, backlog, configured.Server.Transport.Backlog),
                    UnixSocketMode = parse.GetValue(unixMode) is { } mode ? FileMode(mode) : configured.Server.Transport.UnixSocketMode,
                    DatagramBatchSize = Pick(parse, udpBatch, configured.Server.Transport.DatagramBatchSize),
                },
            };
            var definition = isExec ? null : ServiceCatalog.Create(name, serviceOptions, chatOptions)!;
            options.ServiceName = definition?.Name ?? ExecName;

            // A process per connection is dear to start: at the limit, newcomers wait rather than being started only
            // to be closed (inetd's and systemd's behaviour for such services).
            options.PauseAcceptingAtLimit = isExec;
            if (definition?.Name == "chat")
            {
                ChatServeOptions.AdjustServer(parse, chatOptions, options, maxConnections, configured);
            }
            else if (backplaneOptions is not null)
            {
                throw new UsageException($"{backplane.Backplane.Name} is for serve chat only");
            }

            options.Validate(); // before any name is looked up or anything bound

            var given = parse.GetValue(listen) ?? [];
            foreach (var inherited in given.Length > 0 ? given.Where(ActivationUri.IsActivationUri).Select(ActivationUri.Parse) : configured.Server.InheritedListeners)
            {
                options.InheritedListeners.Add(inherited);
            }

            if (isExec && given.Length == 0 && !configured.Listens && options.InheritedListeners.Count == 0)
            {
                throw new UsageException("serve exec: give --listen URI (a program has no port of its own), e.g. --listen tcp://:7000");
            }

            var endpoints = given.Length > 0
                ? given.Where(t => !ActivationUri.IsActivationUri(t)).Select(EndpointUri.Parse).ToList()
                : configured.Listens ? [.. configured.Server.Listen]
                : isExec ? []
                : [EndpointUri.Parse($"tcp://127.0.0.1:{definition!.DefaultPort}"), EndpointUri.Parse($"udp://127.0.0.1:{definition.DefaultPort}")];
            if (isExec && endpoints.FirstOrDefault(e => !e.Kind.IsStream()) is { } datagram)
            {
                throw new UsageException($"serve exec: {datagram} is a datagram endpoint; a program per connection needs a stream (tcp, tls, unix)");
            }

            if (definition is { DatagramHandler: null } && given.Length == 0 && !configured.Listens)
            {
                endpoints.RemoveAll(e => !e.Kind.IsStream()); // a stream-only service (chat) listens on TCP alone
            }
            foreach (var endpoint in endpoints)
            {
                options.Listen.Add(await WithAddressAsync(endpoint, cancellationToken));
            }

            options.Tls = tls.Read(parse, [.. options.Listen], configured.Tls);
            if (configured.Tls is not null)
            {
                ServerOptionsBinder.ValidateTls(configured.Section, options); // the configuration's files, now that the listeners are known
            }

            TlsServeOptions.ReportSelfSigned(options.Tls);
            if (execOptions is not null)
            {
                ExecServeOptions.CheckMode(execOptions, options.Listen);
            }

            if (parse.GetValue(config.Print))
            {
                Console.Out.WriteLine(ServeConfiguration.Format(options.ServiceName, options, serviceOptions, definition?.Name == "chat" ? chatOptions : null));
                Console.Out.Flush();
                return ExitCodes.Success;
            }

            var level = LogLevelParser.Parse(parse.GetValue(logLevel)!, "--log-level");
            var chatBackplane = backplaneOptions is null ? null : new ChatBackplane(backplaneOptions, chatOptions, serviceOptions);
            return await ServeAsync(
                loggers => definition ?? new ServiceDefinition(ExecName, "a program per connection", 0, 0, new ExecService(execOptions!, loggers), null),
                options,
                level,
                LogFormatOption.Parse(parse.GetValue(logFormat)!),
                chatBackplane);
        });
        return command;
    }

    /// <summary>Serves until stopped; <paramref name="makeDefinition"/> gets the loggers (exec's service logs its children).</summary>
    private static async Task<int> ServeAsync(Func<ILoggerFactory, ServiceDefinition> makeDefinition, ServerOptions options, LogLevel level, LogFormat format, ChatBackplane? backplane)
    {
        using var loggerFactory = ConsoleLogging.Create(level, format);
        var definition = makeDefinition(loggerFactory); // exec: the program is checked here, before anything is bound
        using var stop = new StopSignal();
        // Disposed after the server (declared before it): members leave through the hub before it leaves Redis.
        await using var hub = backplane is null ? null : await backplane.ConnectAsync(loggerFactory, stop.Token);
        if (hub is not null)
        {
            (definition.StreamHandler as IDisposable)?.Dispose();
            definition = definition with { StreamHandler = backplane!.Service(hub) };
        }

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
            Console.Out.WriteLine(listener.Descriptor is { } fd ? $"listening on {listener.Endpoint} (fd {fd})" : $"listening on {listener.Endpoint}");
        }

        Console.Out.Flush();
        using var systemd = ServiceManager.Started(definition.Name, server.Listeners.Count, stop.Token);
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

    private static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>The flag's value when it was given, else the configured one (the file's, the environment's, or the library's default).</summary>
    private static T Pick<T>(ParseResult parse, Option<T> flag, T configured) => IsGiven(parse, flag) ? parse.GetValue(flag)! : configured;

    private static TimeSpan PickDuration(ParseResult parse, Option<string> flag, TimeSpan configured) =>
        IsGiven(parse, flag) ? OptionValues.Parse(parse.GetValue(flag)!, flag.Name) : configured;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

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
