using System.CommandLine;
using Switchboard.Cli.Parsing;
using Switchboard.Endpoints;
using Switchboard.Exec;

namespace Switchboard.Cli.Commands;

/// <summary>
/// What <c>serve exec</c> reads beside the server's flags: the program after <c>--</c> or <c>--sh-exec</c>, where its
/// stderr goes, relay or direct. The same flags serve <c>listen --exec</c> and <c>connect --exec</c>.
/// </summary>
internal sealed class ExecServeOptions
{
    private const string Exec = "Exec.";

    /// <summary>The library's defaults, which the flags start from and <c>--help</c> shows.</summary>
    private static readonly ExecOptions Defaults = new();

    public Argument<string[]> Program { get; } = new("program")
    {
        Description = "exec: the program and its arguments, after --, started once per connection (looked up in PATH)",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public Option<string?> ShellCommand { get; } = new("--sh-exec")
    {
        Description = "exec: run this command through /bin/sh -c for each connection, instead of a program after -- [default: none]",
    };

    public Option<string> Stderr { get; } = CreateStderr(
        "exec: where the program's stderr goes: log (the server's log, a line at a time with the connection id), peer (mixed into what the peer reads), discard, inherit (the server's own stderr)",
        Defaults.Stderr);

    public Option<string> Mode { get; } = CreateMode();

    public Option<string> Linger { get; } = CreateLinger(
        "exec: after the program has exited and its output has gone with a FIN, go on reading and discarding what the peer sends this long before closing");

    public IEnumerable<Option> All => [ShellCommand, Stderr, Mode, Linger];

    /// <summary>True when a program or a shell command was given.</summary>
    public bool IsGiven(ParseResult parse) => parse.GetValue(Program) is { Length: > 0 } || parse.GetValue(ShellCommand) is not null;

    /// <summary>The exec options from the flags; a usage error when there is no program, or two.</summary>
    public ExecOptions Read(ParseResult parse, string command)
    {
        var program = parse.GetValue(Program) ?? [];
        var shell = parse.GetValue(ShellCommand);
        if (program.Length > 0 && shell is not null)
        {
            throw new UsageException($"{command}: give a program after -- or --sh-exec, not both");
        }

        if (program.Length == 0 && shell is null)
        {
            throw new UsageException($"{command}: no program: give one after -- (e.g. -- cat) or --sh-exec \"COMMAND\"");
        }

        var options = shell is not null ? ExecOptions.Shell(shell) : new ExecOptions { Program = program[0] };
        foreach (var argument in program.Skip(1))
        {
            options.Arguments.Add(argument);
        }

        return Complete(options, parse, Stderr, Mode, Linger);
    }

    /// <summary>Sets where stderr goes, the mode and the linger from their flags, and validates.</summary>
    public static ExecOptions Complete(ExecOptions options, ParseResult parse, Option<string> stderr, Option<string> mode, Option<string> linger)
    {
        options.Stderr = Enum.Parse<ExecStderr>(parse.GetValue(stderr)!, ignoreCase: true);
        options.Mode = Enum.Parse<ExecMode>(parse.GetValue(mode)!, ignoreCase: true);
        options.LingerTimeout = OptionValues.Parse(parse.GetValue(linger)!, linger.Name);
        options.Validate();
        return options;
    }

    /// <summary>Direct mode hands the socket to the program, which cannot speak TLS: refused before anything is bound.</summary>
    public static void CheckMode(ExecOptions options, IEnumerable<EndpointUri> endpoints)
    {
        if (options.Mode == ExecMode.Direct && endpoints.Any(e => e.Kind == TransportKind.Tls))
        {
            throw new UsageException($"{OptionFlags.For(Exec + nameof(ExecOptions.Mode)).Name} direct: a TLS connection cannot be handed to a program (it would read ciphertext); use relay, the default");
        }
    }

    public static Option<string> CreateLinger(string description) =>
        OptionFlags.Create(Exec + nameof(ExecOptions.LingerTimeout), description, Defaults.LingerTimeout);

    public static Option<string> CreateStderr(string description, ExecStderr fallback)
    {
        var option = OptionFlags.Create(Exec + nameof(ExecOptions.Stderr), description, fallback.ToString().ToLowerInvariant());
        option.AcceptOnlyFromAmong("log", "peer", "discard", "inherit");
        return option;
    }

    public static Option<string> CreateMode(
        string description = "exec: relay (the server copies between the socket and the program's stdin/stdout; every transport) or direct (Linux: the socket itself is the program's stdin and stdout, as inetd does; not with tls://)")
    {
        var option = OptionFlags.Create(Exec + nameof(ExecOptions.Mode), description, Defaults.Mode.ToString().ToLowerInvariant());
        option.AcceptOnlyFromAmong("relay", "direct");
        return option;
    }
}
