using System.CommandLine;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Exec;

namespace Switchboard.Cli.Commands;

/// <summary>
/// <c>connect --exec</c> and <c>listen --exec</c>: ncat's <c>-e</c> and <c>-c</c>, a program on the one connection
/// instead of stdin and stdout. The program is one string, as ncat takes it, because the positional arguments are
/// already the target (nc's <c>HOST PORT</c>): a <c>-- PROGRAM ARGS</c> tail as <c>serve exec</c> takes it could not
/// be told from them. Stderr, the mode and the linger are <c>serve exec</c>'s flags; stderr defaults to the tool's own.
/// </summary>
internal sealed class ExecRunOptions
{
    public Option<string?> Program { get; } = new("--exec", "-e")
    {
        HelpName = "PROGRAM ARGS",
        Description = "Run PROGRAM on the connection instead of relaying stdin and stdout (ncat's -e): what the peer sends is its stdin, "
            + "its stdout goes to the peer, each direction ending on its own; one string split at spaces, no shell, the program looked up in PATH; "
            + "exit with its status (128+N when killed by signal N) [default: none: relay stdin and stdout]",
    };

    public Option<string?> ShellCommand { get; } = new("--sh-exec", "-c")
    {
        HelpName = "COMMAND",
        Description = "As --exec, through /bin/sh -c COMMAND (ncat's -c; quotes, pipes, $REMOTE_ADDR) [default: none]",
    };

    public Option<string> Stderr { get; } = ExecServeOptions.CreateStderr(
        "With --exec: where the program's stderr goes: inherit (this tool's stderr), peer (mixed into what the peer reads), discard, log (a line at a time, prefixed)",
        ExecStderr.Inherit);

    public Option<string> Mode { get; } = ExecServeOptions.CreateMode(
        "With --exec: relay (copies between the socket and the program's stdin/stdout; every transport) or direct (Linux: the socket itself is the program's stdin and stdout; not with tls://)");

    public Option<string> Linger { get; } = ExecServeOptions.CreateLinger(
        "With --exec: after the program has exited and its output has gone with a FIN, go on reading and discarding what the peer sends this long before closing");

    public IEnumerable<Option> All => [Program, ShellCommand, Stderr, Mode, Linger];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The program to run, or null when neither --exec nor --sh-exec was given (the stdin/stdout relay).</summary>
    public ExecOptions? Read(ParseResult parse, string command, EndpointUri endpoint)
    {
        var line = parse.GetValue(Program);
        var shell = parse.GetValue(ShellCommand);
        if (line is null && shell is null)
        {
            return null;
        }

        if (line is not null && shell is not null)
        {
            throw new UsageException($"{command}: give --exec or --sh-exec, not both");
        }

        if (!endpoint.Kind.IsStream())
        {
            throw new UsageException($"{command}: {endpoint} is a datagram endpoint; --exec needs a stream (tcp, tls, unix)");
        }

        ExecOptions options;
        if (shell is not null)
        {
            options = ExecOptions.Shell(shell);
        }
        else
        {
            var words = line!.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                throw new UsageException($"{command}: --exec: no program given");
            }

            options = new ExecOptions { Program = words[0] };
            foreach (var word in words.Skip(1))
            {
                options.Arguments.Add(word);
            }
        }

        ExecServeOptions.Complete(options, parse, Stderr, Mode, Linger);
        ExecServeOptions.CheckMode(options, [endpoint]);
        return options;
    }
}
