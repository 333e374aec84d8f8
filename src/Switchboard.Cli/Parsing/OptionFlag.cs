namespace Switchboard.Cli.Parsing;

/// <summary>A command-line flag, with its short alias if it has one: <c>--timeout (-w)</c> when said in a message.</summary>
internal sealed record OptionFlag(string Name, string? Alias = null)
{
    /// <summary>The aliases System.CommandLine takes beside <see cref="Name"/>.</summary>
    public string[] Aliases => Alias is null ? [] : [Alias];

    public override string ToString() => Alias is null ? Name : $"{Name} ({Alias})";
}
