using System.CommandLine;
using Switchboard.Cli;
using Switchboard.Cli.Commands;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Transport;

var root = new RootCommand("switchboard: socket servers and tools over TCP, UDP and Unix sockets.")
{
    ServeCommand.Create(),
};

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"switchboard: {error.Message}");
    }

    Console.Error.WriteLine("Try 'switchboard --help'.");
    return ExitCodes.UsageError;
}

try
{
    // Signals are ours (see StopSignal): System.CommandLine would kill the process 2 s after Ctrl-C, mid-drain.
    // Its exception handler is off too: it prints a stack trace and exits 1, even for a usage error.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is UsageException or EndpointFormatException or ArgumentException)
{
    Console.Error.WriteLine($"switchboard: {e.Message}");
    return ExitCodes.UsageError;
}
catch (ListenerBindException e)
{
    Console.Error.WriteLine($"switchboard: {e.Message}");
    return ExitCodes.NetworkError;
}
