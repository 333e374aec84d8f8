using System.CommandLine;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// The netcat flags <c>connect</c> and <c>listen</c> both take, for fingers that know nc: <c>-u</c>, <c>-U</c>,
/// <c>-C</c>, and <c>-N</c>, accepted because what it asks for (a FIN at stdin EOF) is already the default.
/// </summary>
internal sealed class NetcatOptionSet
{
    private readonly Option<bool> _udp = new("--udp", "-u") { Description = "With HOST PORT: udp instead of tcp; with -U: unixgram instead of unix (nc -u) [default: false]" };
    private readonly Option<bool> _unix = new("--unix", "-U") { Description = "The target is a Unix socket path, as for nc -U (a URI says unix:///path) [default: false]" };
    private readonly Option<bool> _crlf = new("--crlf", "-C") { Description = "Send each line ending from stdin as CRLF (\\n becomes \\r\\n; an existing \\r\\n stays) [default: false]" };
    private readonly Option<bool> _halfClose = new("-N") { Description = "Accepted for nc: a stream is already half-closed (FIN) at stdin EOF; --no-shutdown turns that off [default: true, always]" };

    public void AddTo(Command command)
    {
        command.Options.Add(_udp);
        command.Options.Add(_unix);
        command.Options.Add(_crlf);
        command.Options.Add(_halfClose);
    }

    public NetcatTarget.Flags Flags(ParseResult parse) => new(parse.GetValue(_udp), parse.GetValue(_unix));

    public bool Crlf(ParseResult parse) => parse.GetValue(_crlf);
}
