namespace Switchboard.Tests.Docs;

/// <summary>
/// One fenced <c>```csharp</c> block of a Markdown document. Words after the language on the fence line are flags:
/// <c>```csharp fragment</c> marks a block that is not a whole program or file (a member shown alone, code that
/// needs variables from the text around it), which is then not compiled. Renderers take the language from the first
/// word only, so the flag is invisible to readers.
/// </summary>
public sealed record MarkdownSnippet(string Document, int Line, string Code, bool IsFragment)
{
    private static readonly string[] CSharpNames = ["csharp", "cs", "c#"];

    /// <summary>Where the code starts, as <c>README.md:130</c>: the document relative to the root, its first code line.</summary>
    public string Location => $"{Document}:{Line}";

    /// <summary>The C# blocks of <paramref name="markdown"/>, in order; <paramref name="document"/> names it in locations.</summary>
    public static IReadOnlyList<MarkdownSnippet> Extract(string document, string markdown)
    {
        var snippets = new List<MarkdownSnippet>();
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].Trim();
            if (!fence.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var info = fence[3..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var end = i + 1;
            while (end < lines.Length && !lines[end].Trim().StartsWith("```", StringComparison.Ordinal))
            {
                end++;
            }

            if (info.Length > 0 && CSharpNames.Contains(info[0], StringComparer.OrdinalIgnoreCase))
            {
                var code = string.Join('\n', lines[(i + 1)..end]);
                snippets.Add(new MarkdownSnippet(document, i + 2, code, info.Contains("fragment", StringComparer.Ordinal)));
            }

            i = end;
        }

        return snippets;
    }
}
