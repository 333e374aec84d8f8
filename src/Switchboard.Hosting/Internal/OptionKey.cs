using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Switchboard.Hosting.Internal;

/// <summary>
/// One configuration key of an options type <typeparamref name="T"/>: its name (the property's), how its text lands in
/// the options, and how the value is written back for <c>--print-config</c>. The binder keeps one table of these per
/// options type, so a key is read, checked for typos and printed from one row.
/// </summary>
internal sealed class OptionKey<T>
{
    private readonly Action<T, IConfigurationSection> _read;
    private readonly Action<Utf8JsonWriter, string, T> _write;

    private OptionKey(string name, Action<T, IConfigurationSection> read, Action<Utf8JsonWriter, string, T> write)
    {
        Name = name;
        _read = read;
        _write = write;
    }

    /// <summary>The key, relative to its section: the option's property name.</summary>
    public string Name { get; }

    /// <summary>Reads the key of <paramref name="section"/> into <paramref name="options"/>; absent, it leaves them as they are.</summary>
    public void Read(IConfiguration section, T options) => _read(options, section.GetSection(Name));

    /// <summary>Writes the value <paramref name="options"/> hold as a property of the JSON object open in <paramref name="json"/>.</summary>
    public void Write(Utf8JsonWriter json, T options) => _write(json, Name, options);

    /// <summary>A key of one value, parsed by <paramref name="parse"/> (which throws <see cref="FormatException"/>), written by <paramref name="write"/>.</summary>
    public static OptionKey<T> Scalar<TValue>(string name, Func<string, TValue> parse, Action<T, TValue> set, Action<Utf8JsonWriter, string, T> write) =>
        new(name, (options, entry) =>
        {
            if (entry.Value is not { } value)
            {
                return;
            }

            TValue parsed;
            try
            {
                parsed = parse(value.Trim());
            }
            catch (FormatException e)
            {
                throw new SwitchboardConfigurationException(entry.Path, $"'{value}': {e.Message}", e);
            }

            set(options, parsed);
        }, write);

    /// <summary>A key of one value or a list (<c>"X": "a"</c>, <c>"X": ["a", "b"]</c>, or <c>X:0</c>, <c>X:1</c> …).</summary>
    public static OptionKey<T> List(string name, Func<T, IList<string>> get) =>
        new(name, (options, entry) =>
        {
            var values = entry.Value is { } one ? [one] : entry.GetChildren().Select(c => c.Value).OfType<string>().ToList();
            if (values.Count == 0)
            {
                return;
            }

            var list = get(options);
            list.Clear();
            foreach (var value in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                list.Add(value);
            }
        }, (json, key, options) =>
        {
            json.WriteStartArray(key);
            foreach (var value in get(options))
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        });
}

/// <summary>The kinds of key the tables hold: each a <see cref="OptionKey{T}"/> with its parse and its JSON form.</summary>
internal static class OptionKey
{
    public static OptionKey<T> Int<T>(string name, Func<T, int> get, Action<T, int> set) =>
        OptionKey<T>.Scalar(name, OptionText.Int, set, (json, key, o) => json.WriteNumber(key, get(o)));

    /// <summary>A whole number that may be unset (the kernel's default, say): not written then.</summary>
    public static OptionKey<T> OptionalInt<T>(string name, Func<T, int?> get, Action<T, int?> set) =>
        OptionKey<T>.Scalar<int?>(name, v => OptionText.Int(v), set, (json, key, o) =>
        {
            if (get(o) is { } value)
            {
                json.WriteNumber(key, value);
            }
        });

    public static OptionKey<T> Bool<T>(string name, Func<T, bool> get, Action<T, bool> set) =>
        OptionKey<T>.Scalar(name, OptionText.Bool, set, (json, key, o) => json.WriteBoolean(key, get(o)));

    public static OptionKey<T> Enum<T, TEnum>(string name, Func<T, TEnum> get, Action<T, TEnum> set)
        where TEnum : struct, Enum =>
        OptionKey<T>.Scalar(name, OptionText.Enum<TEnum>, set, (json, key, o) => json.WriteString(key, get(o).ToString().ToLowerInvariant()));

    /// <summary>A duration; with <paramref name="zeroIsOff"/>, 0 stands for <see cref="Timeout.InfiniteTimeSpan"/> (the option's "off").</summary>
    public static OptionKey<T> Duration<T>(string name, Func<T, TimeSpan> get, Action<T, TimeSpan> set, bool zeroIsOff = false) =>
        OptionKey<T>.Scalar(
            name,
            v => OptionText.Duration(v) is var d && zeroIsOff && d == TimeSpan.Zero ? Timeout.InfiniteTimeSpan : d,
            set,
            (json, key, o) => json.WriteString(key, OptionText.Format(get(o))));

    /// <summary>Text that may be unset: not written then.</summary>
    public static OptionKey<T> Text<T>(string name, Func<T, string?> get, Action<T, string> set) =>
        OptionKey<T>.Scalar(name, v => v, set, (json, key, o) =>
        {
            if (get(o) is { } value)
            {
                json.WriteString(key, value);
            }
        });

    /// <summary>A secret (a password): read, never written, so <c>--print-config</c> cannot show it.</summary>
    public static OptionKey<T> Secret<T>(string name, Action<T, string> set) =>
        OptionKey<T>.Scalar(name, v => v, set, (_, _, _) => { });

    public static OptionKey<T> Mode<T>(string name, Func<T, UnixFileMode?> get, Action<T, UnixFileMode> set) =>
        OptionKey<T>.Scalar(name, OptionText.Mode, set, (json, key, o) =>
        {
            if (get(o) is { } mode)
            {
                json.WriteString(key, OptionText.Format(mode));
            }
        });
}
