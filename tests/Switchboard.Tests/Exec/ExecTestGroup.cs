namespace Switchboard.Tests.Exec;

/// <summary>The exec tests run one class at a time: some count this process's children.</summary>
[CollectionDefinition(Name)]
public sealed class ExecTestGroup
{
    public const string Name = "exec";
}
