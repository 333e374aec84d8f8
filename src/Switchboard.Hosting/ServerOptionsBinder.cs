using Microsoft.Extensions.Configuration;
using Switchboard.Endpoints;
using Switchboard.Hosting.Internal;
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
    private static readonly OptionKey<ServerOptions>[] ServerKeys =
    [
        OptionKey.Enum<ServerOptions, ConcurrencyModel>(nameof(ServerOptions.Model), o => o.Model, (o, v) => o.Model = v),
        OptionKey.Enum<ServerOptions, LoopBackend>(nameof(ServerOptions.LoopBackend), o => o.LoopBackend, (o, v) => o.LoopBackend = v),
        OptionKey.Int<ServerOptions>(nameof(ServerOptions.AsyncLoops), o => o.AsyncLoops, (o, v) => o.AsyncLoops = v),
        OptionKey.Int<ServerOptions>(nameof(ServerOptions.MaxConnections), o => o.MaxConnections, (o, v) => o.MaxConnections = v),
        OptionKey.Int<ServerOptions>(nameof(ServerOptions.MaxConnectionsPerAddress), o => o.MaxConnectionsPerAddress, (o, v) => o.MaxConnectionsPerAddress = v),
        OptionKey.Int<ServerOptions>(nameof(ServerOptions.DescriptorReserve), o => o.DescriptorReserve, (o, v) => o.DescriptorReserve = v),
        OptionKey.Bool<ServerOptions>(nameof(ServerOptions.RaiseDescriptorLimit), o => o.RaiseDescriptorLimit, (o, v) => o.RaiseDescriptorLimit = v),
        OptionKey.Duration<ServerOptions>(nameof(ServerOptions.EvictionGrace), o => o.EvictionGrace, (o, v) => o.EvictionGrace = v),
        OptionKey.Duration<ServerOptions>(nameof(ServerOptions.IdleTimeout), o => o.IdleTimeout, (o, v) => o.IdleTimeout = v),
        OptionKey.Duration<ServerOptions>(nameof(ServerOptions.DrainTimeout), o => o.DrainTimeout, (o, v) => o.DrainTimeout = v),
        OptionKey.Int<ServerOptions>(nameof(ServerOptions.DatagramReplyRate), o => o.DatagramReplyRate, (o, v) => o.DatagramReplyRate = v),
        OptionKey.Int<ServerOptions>(nameof(ServerOptions.DatagramReplyBurst), o => o.DatagramReplyBurst, (o, v) => o.DatagramReplyBurst = v),
        OptionKey.Bool<ServerOptions>(nameof(ServerOptions.DatagramReplyLimitLoopback), o => o.DatagramReplyLimitLoopback, (o, v) => o.DatagramReplyLimitLoopback = v),
        OptionKey.Text<ServerOptions>(nameof(ServerOptions.ServiceName), o => o.ServiceName, (o, v) => o.ServiceName = v),
    ];

    private static readonly OptionKey<TransportOptions>[] TransportKeys =
    [
        OptionKey.Bool<TransportOptions>(nameof(TransportOptions.NoDelay), o => o.NoDelay, (o, v) => o.NoDelay = v),
        OptionKey.Bool<TransportOptions>(nameof(TransportOptions.KeepAlive), o => o.KeepAlive, (o, v) => o.KeepAlive = v),
        OptionKey.Bool<TransportOptions>(nameof(TransportOptions.ReuseAddress), o => o.ReuseAddress, (o, v) => o.ReuseAddress = v),
        OptionKey.OptionalInt<TransportOptions>(nameof(TransportOptions.SendBufferSize), o => o.SendBufferSize, (o, v) => o.SendBufferSize = v),
        OptionKey.OptionalInt<TransportOptions>(nameof(TransportOptions.ReceiveBufferSize), o => o.ReceiveBufferSize, (o, v) => o.ReceiveBufferSize = v),
        OptionKey.Int<TransportOptions>(nameof(TransportOptions.Backlog), o => o.Backlog, (o, v) => o.Backlog = v),
        OptionKey.Mode<TransportOptions>(nameof(TransportOptions.UnixSocketMode), o => o.UnixSocketMode, (o, v) => o.UnixSocketMode = v),
    ];

    private static readonly OptionKey<ServiceOptions>[] ServiceKeys =
    [
        OptionKey.Int<ServiceOptions>(nameof(ServiceOptions.MaxLine), o => o.MaxLine, (o, v) => o.MaxLine = v),
        OptionKey.Duration<ServiceOptions>(nameof(ServiceOptions.LineFlush), o => o.LineFlush, (o, v) => o.LineFlush = v),
        OptionKey.Duration<ServiceOptions>(nameof(ServiceOptions.LineTimeout), o => o.LineTimeout, (o, v) => o.LineTimeout = v, zeroIsOff: true),
    ];

    /// <summary>The keys <see cref="Bind(IConfiguration, ServerOptions)"/> and <see cref="Bind(IConfiguration, ServiceOptions)"/> read, at the section's top level.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [nameof(ServerOptions.Listen), .. ServerKeys.Select(k => k.Name), nameof(ServerOptions.Transport), .. ServiceKeys.Select(k => k.Name)];

    /// <summary>Reads the server's options from <paramref name="section"/> into <paramref name="options"/>.</summary>
    public static void Bind(IConfiguration section, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        BindListen(section, options);
        ReadAll(ServerKeys, section, options);
        ReadAll(TransportKeys, section.GetSection(nameof(ServerOptions.Transport)), options.Transport);
    }

    /// <summary>Reads the line-based services' options (<c>MaxLine</c>, <c>LineFlush</c>, <c>LineTimeout</c>; 0 = off) from <paramref name="section"/>.</summary>
    public static void Bind(IConfiguration section, ServiceOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        ReadAll(ServiceKeys, section, options);
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
            if (!TransportKeys.Any(k => string.Equals(k.Name, child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new SwitchboardConfigurationException(PathOf(child), "is not a transport option (known: " + string.Join(", ", TransportKeys.Select(k => k.Name)) + ")");
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

    private static void ReadAll<T>(OptionKey<T>[] keys, IConfiguration section, T options)
    {
        foreach (var key in keys)
        {
            key.Read(section, options);
        }
    }

    private static string PathOf(IConfigurationSection section) => section.Path;
}
