using System.CommandLine;
using System.CommandLine.Parsing;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// What a command line that does not parse gets: the first thing wrong, named as the user typed it, then the
/// help of the command they were typing. System.CommandLine takes an unknown option for the command's argument
/// (<c>listen -x tcp://…</c> parses '-x' as the URI), and then names the URI as unrecognized: so an argument
/// token that starts with '-' is reported as the unknown option it is.
/// </summary>
internal static class ParseErrorReport
{
    public static void Write(ParseResult parse, TextWriter error)
    {
        var unknown = UnknownOption(parse);
        if (unknown is not null)
        {
            WriteUnknown(parse, unknown, error);
            return;
        }

        foreach (var message in parse.Errors.Select(e => e.Message).Distinct())
        {
            error.WriteLine($"switchboard: {message}");
        }

        error.WriteLine($"Try '{CommandPath(parse.CommandResult)} --help'.");
    }

    /// <summary>The unknown option, named as typed, then the help of the command the user was typing.</summary>
    public static void WriteUnknown(ParseResult parse, string unknown, TextWriter error)
    {
        error.WriteLine($"switchboard: unknown option '{unknown}'{Hint(parse.CommandResult.Command.Name, unknown)}");
        error.WriteLine($"Try '{CommandPath(parse.CommandResult)} --help'.");
    }

    /// <summary>
    /// An option-like token that <paramref name="program"/> (a program and its arguments, as <c>serve exec</c> takes
    /// them) swallowed although it was typed before <c>--</c>, or, without <c>--</c>, in the program's place: an option
    /// the command does not know (<c>serve echo --frobnicate</c>), not a program's argument (<c>-- cat -n</c>).
    /// </summary>
    public static string? UnknownOptionTakenAsProgram(ParseResult parse, Argument<string[]> program)
    {
        var taken = parse.GetResult(program)?.Tokens;
        if (taken is not { Count: > 0 })
        {
            return null;
        }

        var doubleDash = parse.Tokens.ToList().FindIndex(t => t.Type == TokenType.DoubleDash);
        if (doubleDash < 0)
        {
            return LooksLikeOption(taken[0].Value) ? taken[0].Value : null;
        }

        var beforeDash = parse.Tokens.Take(doubleDash).ToHashSet(ReferenceEqualityComparer.Instance);
        return taken.FirstOrDefault(t => beforeDash.Contains(t) && LooksLikeOption(t.Value))?.Value;
    }

    /// <summary>
    /// Makes a token that looks like an option a parse error of <paramref name="argument"/>, for arguments that take
    /// several tokens: there System.CommandLine takes an unknown option as one more value without complaint.
    /// </summary>
    public static void RejectOptionLike(Argument argument) => argument.Validators.Add(result =>
    {
        if (result.Tokens.Select(t => t.Value).FirstOrDefault(LooksLikeOption) is { } option)
        {
            result.AddError($"unknown option '{option}'");
        }
    });

    /// <summary>The first token that looks like an option but was not taken as one ("-" alone is stdin for some tools).</summary>
    private static string? UnknownOption(ParseResult parse)
    {
        var argumentTokens = parse.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens).Select(t => t.Value);
        return argumentTokens.Concat(parse.UnmatchedTokens)
            .FirstOrDefault(LooksLikeOption);
    }

    private static bool LooksLikeOption(string token) => token.Length > 1 && token[0] == '-' && !char.IsDigit(token[1]);

    /// <summary>The netcat flags people type that mean something else here, with where to look instead.</summary>
    private static string Hint(string command, string option) => (command, option) switch
    {
        ("listen", "-m") => " (listen's limit is --max-connections; -m is serve's --model)",
        ("serve", "-e" or "--exec") => " (serve runs a program as 'serve exec --listen URI -- PROGRAM [ARGS...]'; --exec PROGRAM is connect's and listen's)",
        ("connect", "-p") => " (a source port is -s :PORT)",
        ("connect", "-l") => " (to listen, use 'switchboard listen')",
        _ => "",
    };

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult command; r = r.Parent)
        {
            names.Add(command.Command is RootCommand ? "switchboard" : command.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
