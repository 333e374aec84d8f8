using Switchboard.Tests.Support;

namespace Switchboard.Tests.Docs;

/// <summary>
/// The C# in README.md and docs/*.md compiles as written against the library's public surface. A block that is
/// deliberately not a whole program is marked <c>```csharp fragment</c> and skipped (see <see cref="MarkdownSnippet"/>).
/// </summary>
public sealed class DocSnippetTests
{
    public static TheoryData<string> Snippets => [.. All().Where(s => !s.IsFragment).Select(s => s.Location)];

    [Theory(Timeout = TestTimeouts.Process)]
    [MemberData(nameof(Snippets))]
    public void CompilesAgainstTheLibraryAsWritten(string location)
    {
        var snippet = All().Single(s => s.Location == location);

        var diagnostics = SnippetCompiler.Compile(snippet.Code);

        Assert.True(diagnostics.Count == 0, $"""
            {location} does not compile as written:
            {string.Join('\n', diagnostics.Select(d => $"  {Shift(d, snippet)}"))}
            ---
            {snippet.Code}
            """);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheReadmeHasLibrarySnippetsToCompile()
    {
        // Guards the theory against passing on nothing: a renamed fence or a moved file would leave it no cases.
        Assert.True(All().Count(s => s.Document == "README.md" && !s.IsFragment) >= 2);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheCompilerCatchesASnippetThatUsesTheLibraryWrongly()
    {
        var diagnostics = SnippetCompiler.Compile("""
            using Switchboard.Transport;

            ListenerFactory.Bind(null!, new TransportOptions());   // internal: not for users
            """);

        Assert.Contains(diagnostics, d => d.Id == "CS0122");
    }

    private static IEnumerable<MarkdownSnippet> All()
    {
        var documents = Directory.GetFiles(RepositoryRoot.Combine("docs"), "*.md").Prepend(RepositoryRoot.Combine("README.md"));
        return documents.SelectMany(path => MarkdownSnippet.Extract(
            Path.GetRelativePath(RepositoryRoot.Path, path), File.ReadAllText(path)));
    }

    // Diagnostics count lines from the snippet's first line; the document's numbering is more use to a reader.
    private static string Shift(Microsoft.CodeAnalysis.Diagnostic diagnostic, MarkdownSnippet snippet)
    {
        var line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        return $"{snippet.Document}:{snippet.Line + line}: {diagnostic.Id} {diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }
}
