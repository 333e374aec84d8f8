using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Switchboard.Cli.Relay;

namespace Switchboard.Cli.Hosting;

/// <summary>
/// <c>--help</c> as System.CommandLine prints it, then the end-of-file policy for <c>connect</c> and <c>listen</c>.
/// The policy is not in their descriptions, because <c>switchboard --help</c> prints every command's description
/// and would repeat it once per command.
/// </summary>
internal sealed class HelpWithEofPolicy(HelpAction help) : SynchronousCommandLineAction
{
    /// <summary>Replaces the help action of <paramref name="root"/>'s --help, which every subcommand shares.</summary>
    public static void Install(RootCommand root)
    {
        var option = root.Options.OfType<HelpOption>().Single();
        if (option.Action is HelpAction help)
        {
            option.Action = new HelpWithEofPolicy(help);
        }
    }

    /// <summary>As the HelpAction it wraps: <c>connect --help</c> needs no target.</summary>
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        var code = help.Invoke(parseResult);
        if (parseResult.CommandResult.Command.Name is "connect" or "listen")
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine(EofPolicy.Text);
            output.WriteLine();
        }

        return code;
    }
}
