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
            error.WriteLine($"switchboard: unknown option '{unknown}'{Hint(parse.CommandResult.Command.Name, unknown)}");
        }
        else
        {
            foreach (var message in parse.Errors.Select(e => e.Message).Distinct())
            {
                error.WriteLine($"switchboard: {message}");
            }
        }

        error.WriteLine($"Try '{CommandPath(parse.CommandResult)} --help'.");
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
        ("connect" or "listen", "-e" or "-c" or "--exec" or "--sh-exec") => " (switchboard never runs a program for a peer)",
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
