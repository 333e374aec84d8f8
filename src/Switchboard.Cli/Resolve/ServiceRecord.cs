namespace Switchboard.Cli.Resolve;

/// <summary>One /etc/services entry as printed: name, port, protocol and aliases.</summary>
internal sealed record ServiceRecord(string Name, int Port, string Protocol, IReadOnlyList<string> Aliases);
