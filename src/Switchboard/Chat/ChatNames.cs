namespace Switchboard.Chat;

/// <summary>
/// The rules for nicks and room names. Nicks are 1–16 characters of ASCII letters, digits and <c>_-[]{}|^</c>,
/// compared without regard to case: ASCII only, so no two nicks can look alike through Unicode confusables. Room
/// names are 1–32 characters of ASCII letters, digits, <c>_</c> and <c>-</c>, optionally written with a leading
/// <c>#</c>, and are kept in lower case.
/// </summary>
internal static class ChatNames
{
    /// <summary>The longest nick.</summary>
    public const int MaxNickLength = 16;

    /// <summary>The longest room name.</summary>
    public const int MaxRoomLength = 32;

    /// <summary>The rule in words, for prompts and errors.</summary>
    public const string NickRule = "1-16 letters, digits or _-[]{}|^";

    /// <summary>The room rule in words, for errors.</summary>
    public const string RoomRule = "1-32 letters, digits, _ or -";

    /// <summary>How nicks are compared: ASCII case-insensitive.</summary>
    public static StringComparer NickComparer => StringComparer.OrdinalIgnoreCase;

    /// <summary>True when <paramref name="nick"/> follows the nick rule.</summary>
    public static bool IsValidNick(string nick)
    {
        ArgumentNullException.ThrowIfNull(nick);
        if (nick.Length is 0 or > MaxNickLength)
        {
            return false;
        }

        foreach (var c in nick)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '[' or ']' or '{' or '}' or '|' or '^'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Normalises a room name (drops one leading <c>#</c>, lower-cases); null when it breaks the rule.</summary>
    public static string? NormalizeRoom(string room)
    {
        ArgumentNullException.ThrowIfNull(room);
        var name = room.StartsWith('#') ? room[1..] : room;
        if (name.Length is 0 or > MaxRoomLength)
        {
            return null;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return null;
            }
        }

        return name.ToLowerInvariant();
    }
}
