using System.CommandLine;
using Switchboard.Cli.Parsing;

namespace Switchboard.Cli.Commands.Bench;

/// <summary>Arguments and flags every bench mode shares, and their checks.</summary>
internal static class BenchOptions
{
    public static Argument<string> Target() => new("target")
    {
        Description = "The server: tcp://HOST:PORT, tls://HOST:PORT or unix:///path. A non-loopback address needs --allow-remote.",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print the summary as one JSON object [default: false]" };

    public static Option<bool> AllowRemote() => new("--allow-remote")
    {
        Description = "Allow a target that is not a loopback address (the load generator refuses one otherwise) [default: false]",
    };

    public static Option<string> Duration(string name, string description, string fallback) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => fallback,
    };

    public static int Positive(int value, string option) => OptionValues.Positive(value, option);

    public static int NonNegative(int value, string option) => OptionValues.NonNegative(value, option);

    public static TimeSpan ParseDuration(string text, string option) => OptionValues.Duration(text, option);
}
