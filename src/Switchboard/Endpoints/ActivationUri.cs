using System.Globalization;

namespace Switchboard.Endpoints;

/// <summary>
/// A listening socket this process was handed rather than one it binds: <c>fd://3</c> names a descriptor by number
/// (passed by systemd, or by any parent that left it open), <c>systemd:NAME</c> the descriptors systemd passed under
/// that name (<c>FileDescriptorName=</c> in the <c>.socket</c> unit, <c>LISTEN_FDNAMES</c> in the environment), and
/// <c>systemd:</c> alone every descriptor systemd passed. The socket's kind and address are read from the descriptor
/// when it is adopted (by the server, at <c>Start</c>), not written here.
/// </summary>
public sealed record ActivationUri
{
    private const string FdScheme = "fd://";
    private const string SystemdScheme = "systemd:";

    /// <summary>systemd's limit on a descriptor name (<c>FDNAME_MAX</c>).</summary>
    private const int MaxNameLength = 255;

    private ActivationUri(int? descriptor, string? name)
    {
        Descriptor = descriptor;
        Name = name;
    }

    /// <summary>The descriptor number of an <c>fd://N</c> URI; null for <c>systemd:</c> ones.</summary>
    public int? Descriptor { get; }

    /// <summary>
    /// The name of a <c>systemd:NAME</c> URI; the empty string for <c>systemd:</c> (every descriptor passed); null
    /// for <c>fd://N</c>.
    /// </summary>
    public string? Name { get; }

    /// <summary>True for <c>systemd:</c> alone, which takes every descriptor systemd passed.</summary>
    public bool IsEveryPassedDescriptor => Name is { Length: 0 };

    /// <summary>Names descriptor <paramref name="descriptor"/>.</summary>
    public static ActivationUri ForDescriptor(int descriptor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(descriptor);
        return new ActivationUri(descriptor, null);
    }

    /// <summary>Names the descriptors systemd passed as <paramref name="name"/>; the empty string names them all.</summary>
    public static ActivationUri ForName(string name) => Parse(SystemdScheme + name);

    /// <summary>
    /// True when <paramref name="text"/> has the <c>fd://</c> or <c>systemd:</c> scheme (any case), so it is parsed
    /// here and not by <see cref="EndpointUri.Parse"/>.
    /// </summary>
    public static bool IsActivationUri(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.StartsWith(FdScheme, StringComparison.OrdinalIgnoreCase) || text.StartsWith(SystemdScheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Parses <c>fd://N</c>, <c>systemd:NAME</c> or <c>systemd:</c>; throws <see cref="EndpointFormatException"/> with one line.</summary>
    public static ActivationUri Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.StartsWith(FdScheme, StringComparison.OrdinalIgnoreCase))
        {
            var number = text[FdScheme.Length..];
            if (number.Length is 0 or > 9 || !number.All(char.IsAsciiDigit))
            {
                throw new EndpointFormatException($"endpoint '{text}': '{number}' is not a descriptor number, e.g. fd://3");
            }

            return new ActivationUri(int.Parse(number, CultureInfo.InvariantCulture), null);
        }

        if (text.StartsWith(SystemdScheme, StringComparison.OrdinalIgnoreCase))
        {
            var name = text[SystemdScheme.Length..];
            if (name.StartsWith("//", StringComparison.Ordinal))
            {
                throw new EndpointFormatException($"endpoint '{text}': write systemd:NAME (no '//'), or systemd: for every descriptor passed");
            }

            // systemd's own rule for FileDescriptorName=: printable ASCII without ':', which separates LISTEN_FDNAMES.
            if (name.Length > MaxNameLength || name.Any(c => c is ':' || !char.IsAscii(c) || char.IsControl(c) || c == ' '))
            {
                throw new EndpointFormatException(
                    $"endpoint '{text}': '{name}' is not a descriptor name (printable ASCII without ':' or spaces, at most {MaxNameLength})");
            }

            return new ActivationUri(null, name);
        }

        throw new EndpointFormatException($"endpoint '{text}' is neither fd://N nor systemd:NAME");
    }

    /// <summary>Parses a URI, or returns false with the one-line error.</summary>
    public static bool TryParse(string text, out ActivationUri? uri, out string? error)
    {
        try
        {
            uri = Parse(text);
            error = null;
            return true;
        }
        catch (EndpointFormatException e)
        {
            uri = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>The canonical text: <c>fd://3</c>, <c>systemd:web</c> or <c>systemd:</c>.</summary>
    public override string ToString() =>
        Descriptor is { } fd ? string.Create(CultureInfo.InvariantCulture, $"{FdScheme}{fd}") : SystemdScheme + Name;
}
