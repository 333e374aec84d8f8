using System.Text.RegularExpressions;

namespace Switchboard.Tests.Docs;

/// <summary>
/// The layers drawn in docs/architecture.md ("Layers, bottom to top"), in order, and a source scan that finds where a
/// file of one layer names a layer drawn above it. A layer is a folder of <c>src/Switchboard</c> and its namespace
/// <c>Switchboard.Layer</c> (with <c>.Internal</c> and other subfolders); <c>Cli</c> is the tool, drawn on top.
/// </summary>
/// <remarks>
/// A reference is a <c>using</c>, any <c>Switchboard.Layer.</c> (code or cref), or a name qualified from the root
/// namespace (<c>Serving.ServerOptions</c>, as in a cref). Doc comments count, since a cref links to the type;
/// plain <c>//</c> comments do not, nor code under <c>#if SWITCHBOARD_CLI</c> (compiled only into the tool). A
/// source scan, not IL: enough to keep the map true, with file and line to show.
/// </remarks>
public sealed partial class LayerMap
{
    private readonly List<string> _layers;

    private LayerMap(List<string> layers) => _layers = layers;

    /// <summary>Bottom first.</summary>
    public IReadOnlyList<string> Layers => _layers;

    /// <summary>Reads the first code block after the "Layers, bottom to top" heading: a layer per line that starts at the margin.</summary>
    public static LayerMap Read(string architectureMarkdown)
    {
        var lines = architectureMarkdown.Split('\n');
        var heading = Array.FindIndex(lines, l => l.StartsWith("## Layers, bottom to top", StringComparison.Ordinal));
        Assert.True(heading >= 0, "docs/architecture.md has no \"## Layers, bottom to top\" section");
        var open = Array.FindIndex(lines, heading, l => l.StartsWith("```", StringComparison.Ordinal));
        var close = Array.FindIndex(lines, open + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        var layers = lines[(open + 1)..close]
            .Select(l => LayerLine().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups["layer"].Value)
            .ToList();
        return new LayerMap(layers);
    }

    /// <summary>Every place in <paramref name="source"/>, a file of <paramref name="layer"/>, that names a layer drawn above it.</summary>
    public IEnumerable<(int Line, string Layer, string Text)> UpwardReferences(string layer, string source)
    {
        var own = IndexOf(layer);
        var lines = source.Split('\n');
        var inToolOnlyCode = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimStart();
            if (text.StartsWith('#'))
            {
                // A file compiled into the tool too (EpollSet) names the tool's namespace under the tool's symbol,
                // which the library never defines.
                inToolOnlyCode = text.StartsWith("#if SWITCHBOARD_CLI", StringComparison.Ordinal)
                    || (inToolOnlyCode && !text.StartsWith("#else", StringComparison.Ordinal) && !text.StartsWith("#endif", StringComparison.Ordinal));
                continue;
            }

            if (inToolOnlyCode
                || (text.StartsWith("//", StringComparison.Ordinal) && !text.StartsWith("///", StringComparison.Ordinal)))
            {
                continue;
            }

            foreach (var named in NamedLayers(text).Distinct())
            {
                var index = _layers.IndexOf(named);
                if (index > own)
                {
                    yield return (i + 1, named, text.Trim());
                }
            }
        }
    }

    /// <summary>The position of <paramref name="layer"/>, bottom = 0; fails when the map does not draw it.</summary>
    public int IndexOf(string layer)
    {
        var index = _layers.IndexOf(layer);
        Assert.True(index >= 0, $"docs/architecture.md's layer map does not draw {layer}");
        return index;
    }

    private IEnumerable<string> NamedLayers(string line)
    {
        foreach (Match match in QualifiedName().Matches(line))
        {
            var name = match.Groups["layer"].Value;
            if (Layers.Contains(name))
            {
                yield return name;
            }
        }
    }

    // " Transport   ListenerFactory.Bind …": a name at the margin (one space in), not a continuation ("     |  …").
    [GeneratedRegex(@"^ ?(?<layer>[A-Z][a-z]+)\s")]
    private static partial Regex LayerLine();

    // Switchboard.Chat…, or Chat.Something not after a dot or a letter (so options.Chat.X and MyChat.X are not one).
    [GeneratedRegex(@"\bSwitchboard\.(?<layer>[A-Z][A-Za-z]*)\b|(?<![\w.])(?<layer>[A-Z][a-z]+)\.[A-Z]")]
    private static partial Regex QualifiedName();
}
