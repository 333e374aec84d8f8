using System.Globalization;
using Microsoft.Extensions.Configuration;
using Switchboard.Endpoints;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Hosting;

/// <summary>
/// Reads <see cref="ServerOptions"/> and <see cref="ServiceOptions"/> from a configuration section whose keys are the
/// options' property names (<c>Listen</c>, <c>Model</c>, <c>MaxConnections</c>, <c>Transport:Backlog</c>, …). Used by
/// <see cref="SwitchboardServiceCollectionExtensions.AddSwitchboard(Microsoft.Extensions.DependencyInjection.IServiceCollection)"/> for <c>Switchboard:Servers:NAME</c> and by
/// <c>switchboard serve --config</c> for <c>Switchboard</c>. Keys absent from the section leave the option as it is.
/// Every error is a <see cref="SwitchboardConfigurationException"/> naming the full key.
/// </summary>
/// <remarks>
/// Written out by hand rather than by reflection over the options types: <c>Listen</c> is a list of parsed
/// <see cref="EndpointUri"/> values (activation URIs such as <c>fd://3</c> go to
/// <see cref="ServerOptions.InheritedListeners"/>), durations may be written as the tool writes them (<c>5s</c>), and
/// it stays AOT-safe. TLS settings are not read here.
/// </remarks>
public static class ServerOptionsBinder
{
    private static readonly string[] ServerKeys =
    [
        nameof(ServerOptions.Listen), nameof(ServerOptions.Model), nameof(ServerOptions.AsyncLoops), nameof(ServerOptions.LoopBackend),
        nameof(ServerOptions.MaxConnections), nameof(ServerOptions.MaxConnectionsPerAddress), nameof(ServerOptions.DescriptorReserve),
        nameof(ServerOptions.RaiseDescriptorLimit), nameof(ServerOptions.EvictionGrace), nameof(ServerOptions.IdleTimeout),
        nameof(ServerOptions.DrainTimeout), nameof(ServerOptions.DatagramReplyRate), nameof(ServerOptions.DatagramReplyBurst),
        nameof(ServerOptions.DatagramReplyLimitLoopback), nameof(ServerOptions.ServiceName), nameof(ServerOptions.Transport),
    ];

    private static readonly string[] TransportKeys =
    [
        nameof(TransportOptions.NoDelay), nameof(TransportOptions.KeepAlive), nameof(TransportOptions.ReuseAddress),
        nameof(TransportOptions.SendBufferSize), nameof(TransportOptions.ReceiveBufferSize), nameof(TransportOptions.Backlog),
        nameof(TransportOptions.UnixSocketMode),
    ];

    private static readonly string[] ServiceKeys = [nameof(ServiceOptions.MaxLine), nameof(ServiceOptions.LineFlush), nameof(ServiceOptions.LineTimeout)];

    /// <summary>The keys <see cref="Bind(IConfiguration, ServerOptions)"/> and <see cref="Bind(IConfiguration, ServiceOptions)"/> read, at the section's top level.</summary>
    public static IReadOnlyList<string> Keys { get; } = [.. ServerKeys, .. ServiceKeys];

    /// <summary>Reads the server's options from <paramref name="section"/> into <paramref name="options"/>.</summary>
    public static void Bind(IConfiguration section, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        BindListen(section, options);
        Read(section, nameof(ServerOptions.Model), v => options.Model = ParseEnum<ConcurrencyModel>(v));
        Read(section, nameof(ServerOptions.LoopBackend), v => options.LoopBackend = ParseEnum<LoopBackend>(v));
        Read(section, nameof(ServerOptions.AsyncLoops), v => options.AsyncLoops = ParseInt(v));
        Read(section, nameof(ServerOptions.MaxConnections), v => options.MaxConnections = ParseInt(v));
        Read(section, nameof(ServerOptions.MaxConnectionsPerAddress), v => options.MaxConnectionsPerAddress = ParseInt(v));
        Read(section, nameof(ServerOptions.DescriptorReserve), v => options.DescriptorReserve = ParseInt(v));
        Read(section, nameof(ServerOptions.RaiseDescriptorLimit), v => options.RaiseDescriptorLimit = ParseBool(v));
        Read(section, nameof(ServerOptions.EvictionGrace), v => options.EvictionGrace = ParseDuration(v));
        Read(section, nameof(ServerOptions.IdleTimeout), v => options.IdleTimeout = ParseDuration(v));
        Read(section, nameof(ServerOptions.DrainTimeout), v => options.DrainTimeout = ParseDuration(v));
        Read(section, nameof(ServerOptions.DatagramReplyRate), v => options.DatagramReplyRate = ParseInt(v));
        Read(section, nameof(ServerOptions.DatagramReplyBurst), v => options.DatagramReplyBurst = ParseInt(v));
        Read(section, nameof(ServerOptions.DatagramReplyLimitLoopback), v => options.DatagramReplyLimitLoopback = ParseBool(v));
        Read(section, nameof(ServerOptions.ServiceName), v => options.ServiceName = v);

        var transport = section.GetSection(nameof(ServerOptions.Transport));
        var t = options.Transport;
        Read(transport, nameof(TransportOptions.NoDelay), v => t.NoDelay = ParseBool(v));
        Read(transport, nameof(TransportOptions.KeepAlive), v => t.KeepAlive = ParseBool(v));
        Read(transport, nameof(TransportOptions.ReuseAddress), v => t.ReuseAddress = ParseBool(v));
        Read(transport, nameof(TransportOptions.SendBufferSize), v => t.SendBufferSize = ParseInt(v));
        Read(transport, nameof(TransportOptions.ReceiveBufferSize), v => t.ReceiveBufferSize = ParseInt(v));
        Read(transport, nameof(TransportOptions.Backlog), v => t.Backlog = ParseInt(v));
        Read(transport, nameof(TransportOptions.UnixSocketMode), v => t.UnixSocketMode = ParseMode(v));
    }

    /// <summary>Reads the line-based services' options (<c>MaxLine</c>, <c>LineFlush</c>, <c>LineTimeout</c>; 0 = off) from <paramref name="section"/>.</summary>
    public static void Bind(IConfiguration section, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        Read(section, nameof(ServiceOptions.MaxLine), v => options.MaxLine = ParseInt(v));
        Read(section, nameof(ServiceOptions.LineFlush), v => options.LineFlush = ParseDuration(v));
        Read(section, nameof(ServiceOptions.LineTimeout), v => options.LineTimeout = ParseDuration(v) is { } d && d > TimeSpan.Zero ? d : Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Throws for the first key of <paramref name="section"/> that is neither in <see cref="Keys"/> (nor under
    /// <c>Transport</c> one of its options) nor in <paramref name="extraKeys"/>: a misspelt option is an error, not a default.
    /// </summary>
    public static void ThrowOnUnknownKeys(IConfiguration section, params IEnumerable<string> extraKeys)
    {
        ArgumentNullException.ThrowIfNull(section);
        var known = new HashSet<string>(Keys.Concat(extraKeys), StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key))
            {
                throw new SwitchboardConfigurationException(PathOf(child), "is not a Switchboard option (known: " + string.Join(", ", known.Order(StringComparer.Ordinal)) + ")");
            }
        }

        foreach (var child in section.GetSection(nameof(ServerOptions.Transport)).GetChildren())
        {
            if (!TransportKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                throw new SwitchboardConfigurationException(PathOf(child), "is not a transport option (known: " + string.Join(", ", TransportKeys) + ")");
            }
        }
    }

    /// <summary>
    /// The configuration key under <paramref name="section"/> of a library option name as
    /// <see cref="OptionOutOfRangeException.OptionName"/> gives it: <c>Transport.Backlog</c> → <c>PATH:Transport:Backlog</c>.
    /// </summary>
    public static string KeyOf(IConfiguration section, string optionName)
    {
        ArgumentNullException.ThrowIfNull(optionName);
        var relative = optionName.Replace('.', ':');
        return section is IConfigurationSection { Path: { Length: > 0 } path } ? $"{path}:{relative}" : relative;
    }

    /// <summary>
    /// Calls <see cref="ServerOptions.Validate"/> and <see cref="ServiceOptions.Validate"/>, turning an
    /// <see cref="OptionOutOfRangeException"/> into a <see cref="SwitchboardConfigurationException"/> whose key is the
    /// option's under <paramref name="section"/>. Any other <see cref="ArgumentException"/> passes unchanged: it is
    /// not a key's fault (<c>SWITCHBOARD_LOOP_BACKEND</c> names an unknown backend) and says so in one line itself.
    /// </summary>
    public static void Validate(IConfiguration section, ServerOptions server, ServiceOptions? services = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        try
        {
            server.Validate();
            services?.Validate();
        }
        catch (OptionOutOfRangeException e) when (e.OptionName.Length > 0)
        {
            throw new SwitchboardConfigurationException(KeyOf(section, e.OptionName), e.Rule, e);
        }
    }

    private static void BindListen(IConfiguration section, ServerOptions options)
    {
        var listen = section.GetSection(nameof(ServerOptions.Listen));
        // "Listen": "tcp://…" (one) or "Listen": [ … ] (children 0, 1, …); an environment variable gives either.
        var entries = listen.Value is { } one ? [listen] : listen.GetChildren().ToList();
        if (entries.Count == 0)
        {
            return;
        }

        options.Listen.Clear();
        options.InheritedListeners.Clear();
        foreach (var entry in entries)
        {
            var text = entry.Value ?? "";
            try
            {
                if (ActivationUri.IsActivationUri(text))
                {
                    options.InheritedListeners.Add(ActivationUri.Parse(text));
                }
                else
                {
                    options.Listen.Add(EndpointUri.Parse(text));
                }
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new SwitchboardConfigurationException(entry.Path, "is invalid: " + e.Message.ReplaceLineEndings(" "), e);
            }
        }
    }

    private static void Read(IConfiguration section, string key, Action<string> apply)
    {
        var entry = section.GetSection(key);
        if (entry.Value is not { } value)
        {
            return;
        }

        try
        {
            apply(value.Trim());
        }
        catch (FormatException e)
        {
            throw new SwitchboardConfigurationException(entry.Path, $"'{value}': {e.Message}", e);
        }
    }

    private static string PathOf(IConfigurationSection section) => section.Path;

    private static int ParseInt(string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : throw new FormatException("not a whole number");

    private static bool ParseBool(string value) =>
        bool.TryParse(value, out var b) ? b : throw new FormatException("not true or false");

    private static T ParseEnum<T>(string value)
        where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var e) && Enum.IsDefined(e) && !int.TryParse(value, CultureInfo.InvariantCulture, out _)
            ? e
            : throw new FormatException("not one of " + string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant())));

    /// <summary>A duration as the tool writes it (<c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>0</c>) or as .NET does (<c>00:00:05</c>).</summary>
    private static TimeSpan ParseDuration(string value)
    {
        if (value == "0")
        {
            return TimeSpan.Zero;
        }

        (string unit, double scale)[] units = [("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000)];
        foreach (var (unit, scale) in units)
        {
            if (value.EndsWith(unit, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(value.AsSpan(0, value.Length - unit.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0 && amount * scale < TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(amount * scale);
            }
        }

        return TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span)
            ? span
            : throw new FormatException("not a duration such as 500ms, 5s, 2m, 1h or 00:00:05");
    }

    private static UnixFileMode ParseMode(string octal)
    {
        try
        {
            var bits = Convert.ToInt32(octal, 8);
            if (bits is >= 0 and <= 0x1FF)
            {
                return (UnixFileMode)bits;
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
        }

        throw new FormatException("not an octal permission such as 600 or 660");
    }
}
