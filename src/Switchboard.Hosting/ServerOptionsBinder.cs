using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Switchboard.Chat;
using Switchboard.Endpoints;
using Switchboard.Hosting.Internal;
using Switchboard.Options;
using Switchboard.Security;
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
/// it stays AOT-safe. One table of keys per options type (<c>Internal/OptionKey</c>) reads them, finds typos and
/// writes them back for <c>--print-config</c>.
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
        OptionKey.Int<TransportOptions>(nameof(TransportOptions.DatagramBatchSize), o => o.DatagramBatchSize, (o, v) => o.DatagramBatchSize = v),
    ];

    /// <summary><c>Tls:SelfSigned</c>: not a property of <see cref="TlsServerOptions"/> but what the tool's <c>--tls-self-signed</c> sets, an ephemeral <see cref="TlsServerOptions.Certificate"/>.</summary>
    public const string SelfSignedKey = "SelfSigned";

    private static readonly OptionKey<TlsServerOptions>[] TlsKeys =
    [
        OptionKey.Text<TlsServerOptions>(nameof(TlsServerOptions.CertificatePath), o => o.CertificatePath, (o, v) => o.CertificatePath = v),
        OptionKey.Text<TlsServerOptions>(nameof(TlsServerOptions.KeyPath), o => o.KeyPath, (o, v) => o.KeyPath = v),
        OptionKey.Secret<TlsServerOptions>(nameof(TlsServerOptions.Password), (o, v) => o.Password = v),
        OptionKey<TlsServerOptions>.Scalar(
            SelfSignedKey,
            OptionText.Bool,
            (o, on) => o.Certificate = on ? TlsCertificates.CreateSelfSigned() : o.Certificate,
            (json, key, o) => json.WriteBoolean(key, o.Certificate is not null && o.CertificatePath is null)),
        OptionKey.Text<TlsServerOptions>(nameof(TlsServerOptions.ClientCertificateAuthorityPath), o => o.ClientCertificateAuthorityPath, (o, v) => o.ClientCertificateAuthorityPath = v),
        OptionKey<TlsServerOptions>.List(nameof(TlsServerOptions.ApplicationProtocols), o => o.ApplicationProtocols),
        OptionKey.Duration<TlsServerOptions>(nameof(TlsServerOptions.HandshakeTimeout), o => o.HandshakeTimeout, (o, v) => o.HandshakeTimeout = v),
    ];

    private static readonly OptionKey<ChatOptions>[] ChatKeys =
    [
        OptionKey.Int<ChatOptions>(nameof(ChatOptions.MaxMembers), o => o.MaxMembers, (o, v) => o.MaxMembers = v),
        OptionKey.Int<ChatOptions>(nameof(ChatOptions.MaxLineBytes), o => o.MaxLineBytes, (o, v) => o.MaxLineBytes = v),
        OptionKey.Int<ChatOptions>(nameof(ChatOptions.MaxLineRate), o => o.MaxLineRate, (o, v) => o.MaxLineRate = v),
        OptionKey.Int<ChatOptions>(nameof(ChatOptions.LineBurst), o => o.LineBurst, (o, v) => o.LineBurst = v),
        OptionKey.Int<ChatOptions>(nameof(ChatOptions.MaxQueuedBytes), o => o.MaxQueuedBytes, (o, v) => o.MaxQueuedBytes = v),
        OptionKey.Int<ChatOptions>(nameof(ChatOptions.SoftQueuedBytes), o => o.SoftQueuedBytes, (o, v) => o.SoftQueuedBytes = v),
        OptionKey.Duration<ChatOptions>(nameof(ChatOptions.SoftQueueGrace), o => o.SoftQueueGrace, (o, v) => o.SoftQueueGrace = v),
        OptionKey.Enum<ChatOptions, ChatBehindPolicy>(nameof(ChatOptions.BehindPolicy), o => o.BehindPolicy, (o, v) => o.BehindPolicy = v),
        OptionKey.Duration<ChatOptions>(nameof(ChatOptions.WriteDeadline), o => o.WriteDeadline, (o, v) => o.WriteDeadline = v, zeroIsOff: true),
        OptionKey.Duration<ChatOptions>(nameof(ChatOptions.NickTimeout), o => o.NickTimeout, (o, v) => o.NickTimeout = v, zeroIsOff: true),
        OptionKey.Duration<ChatOptions>(nameof(ChatOptions.CloseTimeout), o => o.CloseTimeout, (o, v) => o.CloseTimeout = v),
        OptionKey.Text<ChatOptions>(nameof(ChatOptions.DefaultRoom), o => o.DefaultRoom, (o, v) => o.DefaultRoom = v),
        OptionKey.Text<ChatOptions>(nameof(ChatOptions.ServerName), o => o.ServerName, (o, v) => o.ServerName = v),
    ];

    /// <summary>The section of the TLS keys under a server's: <c>Tls</c>.</summary>
    public const string TlsSection = nameof(ServerOptions.Tls);

    /// <summary>The section of the chat's keys under a server's: <c>Chat</c>.</summary>
    public const string ChatSection = "Chat";

    private static readonly OptionKey<ServiceOptions>[] ServiceKeys =
    [
        OptionKey.Int<ServiceOptions>(nameof(ServiceOptions.MaxLine), o => o.MaxLine, (o, v) => o.MaxLine = v),
        OptionKey.Duration<ServiceOptions>(nameof(ServiceOptions.LineFlush), o => o.LineFlush, (o, v) => o.LineFlush = v),
        OptionKey.Duration<ServiceOptions>(nameof(ServiceOptions.LineTimeout), o => o.LineTimeout, (o, v) => o.LineTimeout = v, zeroIsOff: true),
    ];

    /// <summary>The keys <see cref="Bind(IConfiguration, ServerOptions)"/> and <see cref="Bind(IConfiguration, ServiceOptions)"/> read, at the section's top level.</summary>
    public static IReadOnlyList<string> Keys { get; } =
        [nameof(ServerOptions.Listen), .. ServerKeys.Select(k => k.Name), nameof(ServerOptions.Transport), TlsSection, .. ServiceKeys.Select(k => k.Name), ChatSection];

    /// <summary>The keys under <c>Tls</c> (<see cref="BindTls"/>), <c>TlsServerOptions</c>' property names and <see cref="SelfSignedKey"/>.</summary>
    public static IReadOnlyList<string> TlsKeyNames { get; } = [.. TlsKeys.Select(k => k.Name)];

    /// <summary>The keys under <c>Chat</c> (<see cref="Bind(IConfiguration, ChatOptions)"/>), <see cref="ChatOptions"/>' property names.</summary>
    public static IReadOnlyList<string> ChatKeyNames { get; } = [.. ChatKeys.Select(k => k.Name)];

    /// <summary>Reads the server's options from <paramref name="section"/> into <paramref name="options"/>, all but <c>Tls</c> (<see cref="BindTls"/>).</summary>
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
    /// Reads the <c>Tls</c> keys of <paramref name="section"/> into <paramref name="options"/>'s
    /// <see cref="ServerOptions.Tls"/>, made when absent, if the section has any; else leaves it as it is. Apart from
    /// <see cref="Bind(IConfiguration, ServerOptions)"/> because <c>Tls:SelfSigned</c> makes a certificate, which a
    /// reread for the limits should not. The files are checked by <see cref="Validate"/>, not here.
    /// </summary>
    public static void BindTls(IConfiguration section, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        var tls = section.GetSection(TlsSection);
        if (tls.GetChildren().Any())
        {
            ReadAll(TlsKeys, tls, options.Tls ??= new TlsServerOptions());
        }
    }

    /// <summary>Reads the chat's options (<c>Chat:MaxMembers</c>, <c>Chat:MaxLineRate</c>, …) from <paramref name="section"/>'s <c>Chat</c> section.</summary>
    public static void Bind(IConfiguration section, ChatOptions options)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(options);
        ReadAll(ChatKeys, section.GetSection(ChatSection), options);
    }

    /// <summary>
    /// Writes the options as properties of the JSON object open in <paramref name="json"/>, by the keys the binder
    /// reads (<c>--print-config</c>). <c>Tls:Password</c> is never written; <c>Tls:SelfSigned</c> says whether an
    /// in-memory certificate is used.
    /// </summary>
    public static void Write(Utf8JsonWriter json, ServerOptions server, ServiceOptions? services = null, ChatOptions? chat = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(server);
        json.WriteStartArray(nameof(ServerOptions.Listen));
        foreach (var endpoint in server.Listen.Select(e => e.ToString()).Concat(server.InheritedListeners.Select(a => a.ToString())))
        {
            json.WriteStringValue(endpoint);
        }

        json.WriteEndArray();
        WriteAll(ServerKeys, json, server);
        json.WriteStartObject(nameof(ServerOptions.Transport));
        WriteAll(TransportKeys, json, server.Transport);
        json.WriteEndObject();
        if (server.Tls is { } tls)
        {
            json.WriteStartObject(TlsSection);
            WriteAll(TlsKeys, json, tls);
            json.WriteEndObject();
        }

        if (services is not null)
        {
            WriteAll(ServiceKeys, json, services);
        }

        if (chat is not null)
        {
            json.WriteStartObject(ChatSection);
            WriteAll(ChatKeys, json, chat);
            json.WriteEndObject();
        }
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

        ThrowOnUnknownKeys(section.GetSection(nameof(ServerOptions.Transport)), TransportKeys, "transport");
        ThrowOnUnknownKeys(section.GetSection(TlsSection), TlsKeys, "TLS");
        ThrowOnUnknownKeys(section.GetSection(ChatSection), ChatKeys, "chat");
    }

    private static void ThrowOnUnknownKeys<T>(IConfigurationSection section, OptionKey<T>[] keys, string what)
    {
        foreach (var child in section.GetChildren())
        {
            if (!keys.Any(k => string.Equals(k.Name, child.Key, StringComparison.OrdinalIgnoreCase)))
            {
                throw new SwitchboardConfigurationException(PathOf(child), $"is not a {what} option (known: " + string.Join(", ", keys.Select(k => k.Name)) + ")");
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
    /// Checks the TLS settings against the listeners and loads their files (an error names the key: <c>Tls:CertificatePath</c>, <c>Tls:SelfSigned</c> …), then calls
    /// <see cref="ServerOptions.Validate"/>, <see cref="ServiceOptions.Validate"/> and <see cref="ChatOptions.Validate"/>,
    /// turning an <see cref="OptionOutOfRangeException"/> into a <see cref="SwitchboardConfigurationException"/> whose
    /// key is the option's under <paramref name="section"/> (the chat's under <c>Chat</c>). Any other
    /// <see cref="ArgumentException"/> passes unchanged: it is not a key's fault (<c>SWITCHBOARD_LOOP_BACKEND</c> names
    /// an unknown backend) and says so in one line itself.
    /// </summary>
    public static void Validate(IConfiguration section, ServerOptions server, ServiceOptions? services = null, ChatOptions? chat = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(server);
        ValidateTls(section, server);
        var prefix = "";
        try
        {
            server.Validate();
            services?.Validate();
            prefix = ChatSection + ".";
            chat?.Validate();
        }
        catch (OptionOutOfRangeException e) when (e.OptionName.Length > 0)
        {
            throw new SwitchboardConfigurationException(KeyOf(section, prefix + e.OptionName), e.Rule, e);
        }
    }

    /// <summary>
    /// The TLS part of <see cref="Validate"/>, for a caller that merges TLS settings from elsewhere afterwards (the
    /// tool's flags): a tls:// listener without settings, a <c>Tls</c> section without a tls:// listener,
    /// <c>Tls:SelfSigned</c> beside <c>Tls:CertificatePath</c>, <c>Tls:KeyPath</c> alone, a file that is missing or does
    /// not load (a wrong <c>Tls:Password</c>), a <c>Tls:HandshakeTimeout</c> out of range: each one
    /// <see cref="SwitchboardConfigurationException"/> naming its key. The files are loaded once and let go.
    /// </summary>
    public static void ValidateTls(IConfiguration section, ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(server);
        TlsSettings.Check(section, server);
        try
        {
            server.Tls?.Validate();
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

    private static void WriteAll<T>(OptionKey<T>[] keys, Utf8JsonWriter json, T options)
    {
        foreach (var key in keys)
        {
            key.Write(json, options);
        }
    }

    private static string PathOf(IConfigurationSection section) => section.Path;
}
