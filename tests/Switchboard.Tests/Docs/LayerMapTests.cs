using Switchboard.Tests.Support;

namespace Switchboard.Tests.Docs;

/// <summary>
/// docs/architecture.md's layer map is true of the library's source: each layer names only the layers drawn below
/// it, and every folder of <c>src/Switchboard</c> is drawn.
/// </summary>
public sealed class LayerMapTests
{
    private static readonly string Library = RepositoryRoot.Combine("src", "Switchboard");

    private static LayerMap Map => LayerMap.Read(File.ReadAllText(RepositoryRoot.Combine("docs", "architecture.md")));

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheMapDrawsEveryFolderOfTheLibraryAndNothingElse()
    {
        var folders = Directory.GetDirectories(Library)
            .Select(f => Path.GetFileName(f))
            .Where(name => name is not ("bin" or "obj"))
            .ToHashSet(StringComparer.Ordinal);
        var drawn = Map.Layers.Where(l => l != "Cli").ToHashSet(StringComparer.Ordinal);

        Assert.True(folders.SetEquals(drawn), $"""
            folders of src/Switchboard the map does not draw: {string.Join(", ", folders.Except(drawn))}
            layers drawn with no folder: {string.Join(", ", drawn.Except(folders))}
            """);
        Assert.Equal("Cli", Map.Layers[^1]);
        Assert.Empty(Directory.GetFiles(Library, "*.cs"));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void NoLayerNamesALayerDrawnAboveIt()
    {
        var map = Map;
        var violations = new List<string>();
        foreach (var layer in map.Layers.Where(l => l != "Cli"))
        {
            foreach (var file in SourceFiles(Path.Combine(Library, layer)))
            {
                var source = File.ReadAllText(file);
                var relative = Path.GetRelativePath(RepositoryRoot.Path, file);
                violations.AddRange(map.UpwardReferences(layer, source)
                    .Select(r => $"{relative}:{r.Line}: {layer} names {r.Layer}, drawn above it: {r.Text}"));
                if (!source.Contains($"namespace Switchboard.{layer}", StringComparison.Ordinal))
                {
                    violations.Add($"{relative}: not in namespace Switchboard.{layer}, though in its folder");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void TheScanSeesAUsingACrefAndARootQualifiedName()
    {
        var map = LayerMap.Read("""
            ## Layers, bottom to top

            ```
             Transport   sockets
                 |       continued
             Serving     servers
             Chat        the chat
            ```
            """);
        const string Source = """
            using Switchboard.Chat;
            // Chat.ChatService in a plain comment does not count
            /// <see cref="Serving.ServerOptions"/>
            var limit = options.Chat.MaxLineRate + Chat.ChatNames.MaxNickLength;
            using Switchboard.Transport.Internal;
            #if SWITCHBOARD_CLI
            namespace Switchboard.Chat.Tool;
            #else
            namespace Switchboard.Transport;
            #endif
            """;

        var found = map.UpwardReferences("Transport", Source).Select(r => (r.Line, r.Layer));

        Assert.Equal(["Transport", "Serving", "Chat"], map.Layers);
        Assert.Equal([(1, "Chat"), (3, "Serving"), (4, "Chat")], found);
    }

    private static IEnumerable<string> SourceFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
}
