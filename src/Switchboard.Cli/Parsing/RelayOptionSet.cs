using System.CommandLine;
using Switchboard.Cli.Relay;

namespace Switchboard.Cli.Parsing;

/// <summary>The options <c>connect</c> and <c>listen</c> share, parsed into <see cref="RelayOptions"/>.</summary>
internal sealed class RelayOptionSet
{
    private readonly Option<string?> _idle = new("--idle", "-i") { Description = "Exit with an error (1) when nothing moves either way for this long [default: never]" };
    private readonly Option<string?> _quit = new("-q") { Description = "Quit this long after stdin EOF, even if the peer is still open (seconds, or 500ms, 2m) [default: wait for the peer]" };
    private readonly Option<bool> _noShutdown = new("--no-shutdown") { Description = "Do not half-close (FIN) a stream at stdin EOF [default: false]" };
    private readonly Option<bool> _recvOnly = new("--recv-only") { Description = "Only print what the peer sends; never read stdin [default: false]" };
    private readonly Option<bool> _sendOnly = new("--send-only") { Description = "Only send stdin; read and discard what the peer sends; exit at stdin EOF [default: false]" };
    private readonly Option<bool> _verbose = new("--verbose", "-v") { Description = "Say who connected and why the exchange ended, on stderr [default: false]" };

    public void AddTo(Command command)
    {
        command.Options.Add(_idle);
        command.Options.Add(_quit);
        command.Options.Add(_noShutdown);
        command.Options.Add(_recvOnly);
        command.Options.Add(_sendOnly);
        command.Options.Add(_verbose);
    }

    public RelayOptions Read(ParseResult parse)
    {
        var recvOnly = parse.GetValue(_recvOnly);
        var sendOnly = parse.GetValue(_sendOnly);
        if (recvOnly && sendOnly)
        {
            throw new UsageException("--recv-only and --send-only exclude each other");
        }

        return new RelayOptions
        {
            Send = !recvOnly,
            Receive = !sendOnly,
            HalfClose = !parse.GetValue(_noShutdown),
            QuitAfterStdinEof = OptionalDuration(parse.GetValue(_quit), "-q"),
            Idle = OptionalDuration(parse.GetValue(_idle), "--idle") is { } idle && idle > TimeSpan.Zero ? idle : null,
            Verbose = parse.GetValue(_verbose),
            StdinIsTerminal = !Console.IsInputRedirected,
        };
    }

    public static TimeSpan Duration(string text, string option) => OptionValues.Duration(text, option);

    private static TimeSpan? OptionalDuration(string? text, string option) => OptionValues.OptionalDuration(text, option);
}
