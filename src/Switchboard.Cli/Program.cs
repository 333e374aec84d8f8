using System.CommandLine;
using Switchboard.Cli;
using Switchboard.Cli.Commands;
using Switchboard.Cli.Commands.Bench;
using Switchboard.Cli.Hosting;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Serving;
using Switchboard.Transport;

StandardDescriptors.Check(); // first: before anything of ours opens a descriptor (see StandardDescriptors)

var root = new RootCommand("switchboard: socket servers and tools over TCP, UDP and Unix sockets.")
{
    ServeCommand.Create(),
    ConnectCommand.Create(),
    ListenCommand.Create(),
    ResolveCommand.Create(),
    BenchCommand.Create(),
};

HelpWithEofPolicy.Install(root);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    ParseErrorReport.Write(parse, Console.Error);
    return ExitCodes.UsageError;
}

try
{
    // Signals are ours (see StopSignal): System.CommandLine would kill the process 2 s after Ctrl-C, mid-drain.
    // Its default exception handler would print a usage error as a stack trace with exit 1: the catches below do it.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is UsageException or EndpointFormatException or ArgumentException)
{
    Console.Error.WriteLine($"switchboard: {e.Message}");
    return ExitCodes.UsageError;
}
catch (Exception e) when (e is ListenerBindException or ServerStartException or Switchboard.Security.TlsCertificateException)
{
    Console.Error.WriteLine($"switchboard: {e.Message}");
    return ExitCodes.NetworkError;
}
