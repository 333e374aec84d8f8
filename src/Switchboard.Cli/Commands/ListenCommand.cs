using System.Buffers;
using System.CommandLine;
using System.Net.Sockets;
using Switchboard.Cli.Hosting;
using Switchboard.Cli.Parsing;
using Switchboard.Cli.Relay;
using Switchboard.Client;
using Switchboard.Endpoints;
using Switchboard.Exec;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>switchboard listen URI</c>: netcat's <c>-l</c>. A <see cref="Server"/> (async model) does the listening, so the
/// Unix socket file is handled and removed as for <c>serve</c>; the handlers relay to stdin and stdout.
/// </summary>
internal static class ListenCommand
{
    public static Command Create()
    {
        var target = new Argument<string[]>("target")
        {
            Description = "Where to listen: tcp://HOST:PORT, tls://HOST:PORT (with --tls-cert/--tls-key or --tls-self-signed), udp://HOST:PORT, unix:///path, unixgram:///path (port 0 = ephemeral); "
                + "or as nc takes it: PORT, HOST PORT, -p PORT [HOST] (tcp; -u: udp), -U PATH. A host left out is 127.0.0.1",
            Arity = ArgumentArity.ZeroOrMore,
        };
        ParseErrorReport.RejectOptionLike(target);
        var listenFlag = new Option<bool>("-l") { Description = "Accepted for nc -l: listen always listens [default: true, always]" };
        var port = new Option<string?>("--port", "-p") { Description = "The port to listen on, as nc -l -p PORT; a HOST may follow [default: none: the target says]" };
        var keepOpen = new Option<bool>("--keep-open", "-k") { Description = "Serve many connections, one after another or at once; their output is interleaved by line [default: false: one connection]" };
        // No -m: serve's -m is --model, and nc-openbsd's -m is a minimum TTL; only ncat spells --max-conns -m.
        // ncat's limit, not serve's (ServerOptions' 1024): listen relays a terminal, not a service.
        var maxConnections = OptionFlags.Create(nameof(ServerOptions.MaxConnections), "With --keep-open, most connections at once (ncat's -m, --max-conns)", 100);
        var shared = new RelayOptionSet();
        var netcat = new NetcatOptionSet();
        var tls = new TlsServeOptions();
        var exec = new ExecRunOptions();
        var command = new Command(
            "listen",
            "Listen on URI, accept one connection (--keep-open: many) and relay it to stdin and stdout, byte for byte. "
            + "Prints 'listening on URI' on stderr. Over udp and unixgram, datagrams from every peer are printed and "
            + "each stdin line is sent to the last peer that sent one. The Unix socket file is removed on exit. "
            + "'switchboard listen --help' ends with the end-of-file policy.")
        {
            target, listenFlag, port, keepOpen, maxConnections,
        };
        shared.AddTo(command);
        netcat.AddTo(command);
        exec.AddTo(command);
        foreach (var option in tls.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, _) =>
        {
            var endpoint = NetcatTarget.ForListen(parse.GetValue(target) ?? [], netcat.Flags(parse), parse.GetValue(port));
            var relay = shared.Read(parse);
            var many = parse.GetValue(keepOpen);
            var max = parse.GetValue(maxConnections);
            new ServerOptions { MaxConnections = max }.Validate(); // its rule, whether or not --keep-open uses it
            var crlf = netcat.Crlf(parse);
            var tlsOptions = tls.Read(parse, [endpoint]);
            TlsServeOptions.ReportSelfSigned(tlsOptions);
            if (exec.Read(parse, "listen", endpoint) is { } program)
            {
                return await ListenExecAsync(endpoint, program, many ? max : 1, many, relay.Verbose, tlsOptions);
            }

            return endpoint.Kind.IsStream()
                ? await ListenStreamAsync(endpoint, relay, many ? max : 1, many, crlf, tlsOptions)
                : await ListenDatagramAsync(endpoint, relay, crlf);
        });
        return command;
    }

    private static async Task<int> ListenStreamAsync(EndpointUri endpoint, RelayOptions relay, int maxConnections, bool keepOpen, bool crlf, Switchboard.Security.TlsServerOptions? tls)
    {
        using var stop = new StopSignal();
        var stdout = ConsoleStreams.Stdout();
        var stdin = Stdin(crlf);
        var broadcast = keepOpen ? new StdinBroadcast(stdin) : null;
        using var interleaver = keepOpen ? new LineInterleaver(stdout) : null;
        using var raw = new RawOutput(stdout);
        var finished = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var taken = 0;

        // One connection's end is the tool's end, unless --keep-open serves on.
        void End(int code)
        {
            if (!keepOpen)
            {
                finished.TrySetResult(code);
            }
        }

        async ValueTask ServeAsync(Connection connection, CancellationToken aborted)
        {
            if (!keepOpen && Interlocked.Exchange(ref taken, 1) != 0)
            {
                return; // netcat's -l takes one connection; a later one is closed
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, aborted);
            Action unsubscribe = () => { };
            var source = broadcast?.Subscribe(connection.RemoteText, connection.Abort, out unsubscribe) ?? stdin;
            Say(relay, $"connection from {connection.RemoteText}"); // after subscribing: from now on it gets stdin
            try
            {
                var outcome = await StreamRelay.RunAsync(
                    connection.Input,
                    connection.Output,
                    () => connection.ShutdownOutputAsync(),
                    source,
                    interleaver?.CreateSink() ?? raw,
                    relay,
                    linked.Token);
                Say(relay, $"{connection.RemoteText}: {outcome.Describe()}");
                var code = outcome == RelayOutcome.Idle && keepOpen
                    ? ConsoleStreams.Fail($"{connection.RemoteText}: idle timeout: nothing moved either way")
                    : ConnectCommand.ExitFor(outcome, endpoint);
                End(code);
            }
            catch (StdoutClosedException)
            {
                finished.TrySetResult(ExitCodes.Success); // even with --keep-open: nobody reads what we print
            }
            catch (ConnectionAbortedException) when (linked.IsCancellationRequested)
            {
                End(ExitCodes.Success); // stopped, or dropped as a slow peer: as the canceled relay below
            }
            catch (Exception e) when (e is ConnectionException or SocketException)
            {
                End(CommandFailure.Report(e, endpoint, peer: connection.RemoteText));
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                End(ExitCodes.Success);
            }
            finally
            {
                unsubscribe();
            }
        }

        var options = ListenOptions(endpoint, maxConnections);
        options.Tls = tls;
        await using var server = new Server(options, new RelayStreamHandler(ServeAsync), null);
        server.Start();
        Console.Error.WriteLine($"switchboard: listening on {server.Listeners[0].Endpoint}");

        if (keepOpen)
        {
            await Task.WhenAny(WaitForStopAsync(broadcast!.Ended, relay.QuitAfterStdinEof, stop.Token), finished.Task);
            return ExitCodes.Success;
        }

        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        return await Task.WhenAny(finished.Task, stopped) == finished.Task ? await finished.Task : ExitCodes.Success;
    }

    /// <summary>
    /// ncat's <c>-l -e</c>: the connection gets the program (with <c>--keep-open</c>, each connection its own, at most
    /// <paramref name="maxConnections"/> at once; newcomers wait). One connection: its status is ours.
    /// </summary>
    private static async Task<int> ListenExecAsync(EndpointUri endpoint, ExecOptions program, int maxConnections, bool keepOpen, bool verbose, Switchboard.Security.TlsServerOptions? tls)
    {
        using var stop = new StopSignal();
        using var loggers = ConnectCommand.ExecLogging(program, verbose);
        using var service = new ExecService(program, loggers); // before binding: a program that cannot run is one line, exit 2
        var finished = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var taken = 0;

        async ValueTask ServeAsync(Connection connection, CancellationToken aborted)
        {
            if (!keepOpen && Interlocked.Exchange(ref taken, 1) != 0)
            {
                return; // netcat's -l takes one connection; a later one is closed
            }

            Say(verbose, $"connection from {connection.RemoteText}; running {program.Program}");
            try
            {
                var exit = await service.RunAsync(connection, stop.Token);
                Say(verbose, $"{connection.RemoteText}: {program.Program} {exit.Describe()}");
                if (!keepOpen)
                {
                    finished.TrySetResult(exit.ShellStatus);
                }
            }
            catch (Exception e) when (CommandFailure.Knows(e))
            {
                // A program that could not start: one line; with --keep-open the next connection tries again.
                var code = CommandFailure.Report(e, endpoint, peer: connection.RemoteText);
                if (!keepOpen)
                {
                    finished.TrySetResult(code);
                }
            }
        }

        var options = ListenOptions(endpoint, maxConnections);
        options.Tls = tls;
        options.PauseAcceptingAtLimit = true; // the limit is on programs: newcomers wait rather than being closed
        await using var server = new Server(options, new RelayStreamHandler(ServeAsync), null, loggers);
        server.Start();
        Console.Error.WriteLine($"switchboard: listening on {server.Listeners[0].Endpoint}");

        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        return await Task.WhenAny(finished.Task, stopped) == finished.Task ? await finished.Task : ExitCodes.Success;
    }

    private static async Task<int> ListenDatagramAsync(EndpointUri endpoint, RelayOptions relay, bool crlf)
    {
        using var stop = new StopSignal();
        using var stdout = new RawOutput(ConsoleStreams.Stdout());
        var clock = new ActivityClock();
        Datagram? last = null;
        var stdoutClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async ValueTask ServeAsync(Datagram datagram, CancellationToken cancellationToken)
        {
            Volatile.Write(ref last, datagram);
            clock.Touch();
            Say(relay, $"datagram from {datagram.RemoteText} ({datagram.Payload.Length} bytes)");
            if (relay.Receive)
            {
                try
                {
                    await stdout.WriteAsync(new ReadOnlySequence<byte>(datagram.Payload), cancellationToken);
                }
                catch (StdoutClosedException)
                {
                    stdoutClosed.TrySetResult();
                }
            }
        }

        var options = ListenOptions(endpoint, 1);
        await using var server = new Server(options, null, new RelayDatagramHandler(ServeAsync));
        server.Start();
        Console.Error.WriteLine($"switchboard: listening on {server.Listeners[0].Endpoint}");

        var stdinEnded = relay.Send ? ReplyFromStdinAsync(() => Volatile.Read(ref last), relay, crlf, clock, stop.Token) : Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        var idle = relay.Idle is { } limit ? clock.QuietForAsync(limit, stop.Token) : Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
        var stopping = WaitForStopAsync(stdinEnded, relay.QuitAfterStdinEof, stop.Token);
        if (await Task.WhenAny(stopping, idle, stdoutClosed.Task) == idle && !stop.Token.IsCancellationRequested)
        {
            return ConsoleStreams.Fail($"{endpoint}: idle timeout: no datagram for {relay.Idle}");
        }

        return ExitCodes.Success;
    }

    /// <summary>Stdin lines, each as one datagram to whoever sent the last one; completes at stdin EOF.</summary>
    private static async Task ReplyFromStdinAsync(Func<Datagram?> lastSender, RelayOptions relay, bool crlf, ActivityClock clock, CancellationToken stop)
    {
        var stdin = Stdin(crlf);
        var splitter = new DatagramSplitter(relay.DatagramPerChunk, DatagramClient.MaxUdpPayload);
        var buffer = new byte[DatagramClient.MaxUdpPayload];
        var warned = false;
        int n;
        while ((n = await stdin.ReadAsync(buffer, stop)) > 0)
        {
            var datagrams = splitter.Push(buffer.AsSpan(0, n));
            foreach (var datagram in datagrams)
            {
                clock.Touch();
                if (lastSender() is not { } peer)
                {
                    if (!warned)
                    {
                        Console.Error.WriteLine("switchboard: no peer has sent a datagram yet; stdin line dropped");
                        warned = true;
                    }

                    continue;
                }

                if (!await peer.ReplyAsync(datagram, stop))
                {
                    Console.Error.WriteLine($"switchboard: reply to {peer.RemoteText} not sent (unaddressable or refused by the reply guard)");
                }
            }
        }
    }

    private static async Task WaitForStopAsync(Task stdinEnded, TimeSpan? quitAfterStdinEof, CancellationToken stop)
    {
        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stop);
        if (quitAfterStdinEof is { } quit)
        {
            if (await Task.WhenAny(stdinEnded, stopped) == stdinEnded)
            {
                await Task.WhenAny(Task.Delay(quit, CancellationToken.None), stopped);
            }

            return;
        }

        await Task.WhenAny(stopped);
    }

    private static ServerOptions ListenOptions(EndpointUri endpoint, int maxConnections)
    {
        var options = new ServerOptions
        {
            Model = ConcurrencyModel.Async,
            MaxConnections = maxConnections,
            IdleTimeout = TimeSpan.Zero, // --idle is the relay's, the same for connect and listen
            DrainTimeout = TimeSpan.FromSeconds(1),
            DatagramReplyRate = 0, // replies are the user's own stdin lines
            ServiceName = "listen",
        };
        options.Listen.Add(endpoint);
        return options;
    }

    /// <summary>Stdin, with <c>-C</c> its line endings sent as CRLF.</summary>
    private static IStdinSource Stdin(bool crlf) => crlf ? new CrlfStdinSource(ConsoleStreams.Stdin()) : ConsoleStreams.Stdin();

    private static void Say(RelayOptions relay, string message) => Say(relay.Verbose, message);

    private static void Say(bool verbose, string message)
    {
        if (verbose)
        {
            Console.Error.WriteLine($"switchboard: {message}");
        }
    }
}
