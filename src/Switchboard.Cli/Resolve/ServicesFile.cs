using System.Globalization;

namespace Switchboard.Cli.Resolve;

/// <summary>
/// The services database, <c>/etc/services</c> (Debian's <c>netbase</c> package provides it): what
/// <c>getservbyname</c> and <c>getservbyport</c> read. Parsed here by a small pure parser, so a lookup does not
/// depend on the C library and a malformed line is skipped rather than fatal, as glibc does.
/// </summary>
internal sealed class ServicesFile
{
    /// <summary>Where the system keeps the database.</summary>
    public const string DefaultPath = "/etc/services";

    private ServicesFile(IReadOnlyList<ServiceEntry> entries) => Entries = entries;

    /// <summary>Every well-formed line, in file order.</summary>
    public IReadOnlyList<ServiceEntry> Entries { get; }

    /// <summary>
    /// Parses the text of a services file: <c>name port/protocol [alias …]</c> per line, <c>#</c> to end of line is a
    /// comment, blank and malformed lines (no <c>/</c>, a port that is not 0–65535) are skipped.
    /// </summary>
    public static ServicesFile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var entries = new List<ServiceEntry>();
        foreach (var rawLine in text.Split('\n'))
        {
            var hash = rawLine.IndexOf('#', StringComparison.Ordinal);
            var line = hash < 0 ? rawLine : rawLine[..hash];
            var fields = line.Split([' ', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }

            var slash = fields[1].IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == fields[1].Length - 1)
            {
                continue;
            }

            if (!int.TryParse(fields[1].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            {
                continue;
            }

            entries.Add(new ServiceEntry(fields[0], port, fields[1][(slash + 1)..].ToLowerInvariant(), fields[2..]));
        }

        return new ServicesFile(entries);
    }

    /// <summary>Reads and parses <paramref name="path"/>; null when the file does not exist.</summary>
    public static ServicesFile? Load(string path = DefaultPath) =>
        File.Exists(path) ? Parse(File.ReadAllText(path)) : null;

    /// <summary>
    /// <c>getservbyname</c>: the entries named (or aliased) <paramref name="name"/>, for one protocol or (null) all.
    /// </summary>
    public IReadOnlyList<ServiceEntry> ByName(string name, string? protocol = null) =>
        Entries.Where(e => e.IsNamed(name) && Matches(e, protocol)).ToList();

    /// <summary><c>getservbyport</c>: the entries for <paramref name="port"/>, for one protocol or (null) all.</summary>
    public IReadOnlyList<ServiceEntry> ByPort(int port, string? protocol = null) =>
        Entries.Where(e => e.Port == port && Matches(e, protocol)).ToList();

    private static bool Matches(ServiceEntry entry, string? protocol) =>
        protocol is null || string.Equals(entry.Protocol, protocol, StringComparison.OrdinalIgnoreCase);
}
