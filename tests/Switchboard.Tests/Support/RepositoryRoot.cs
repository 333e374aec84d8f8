namespace Switchboard.Tests.Support;

/// <summary>The checkout the tests were built from: the folder above the test assembly that holds Switchboard.slnx.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    /// <summary>The repository's root folder.</summary>
    public static string Path => Root.Value;

    /// <summary>A path under the root, given as parts (<c>"docs", "architecture.md"</c>).</summary>
    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "Switchboard.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"no Switchboard.slnx above {AppContext.BaseDirectory}");
    }
}
