using System.Collections.Frozen;
using System.CommandLine;
using System.Text.RegularExpressions;
using Switchboard.Chat;
using Switchboard.Chat.Redis;
using Switchboard.Client;
using Switchboard.Exec;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;
using Switchboard.Transport;

namespace Switchboard.Cli.Parsing;

/// <summary>
/// The one table from the library's option names to the tool's flags. The library speaks of its options by property
/// name (<c>MaxConnections</c>, <c>Transport.Backlog</c>: also their configuration keys), in its log lines and in
/// <see cref="OptionOutOfRangeException"/>; the tool creates its flags from this table and says the flag wherever the
/// library said the option, so an operator reads <c>(--max-connections)</c> and knows what to type.
/// </summary>
internal static partial class OptionFlags
{
    private const string Transport = nameof(ServerOptions.Transport) + ".";

    private static readonly FrozenDictionary<string, OptionFlag> ByOption = new Dictionary<string, OptionFlag>
    {
        [nameof(ServerOptions.Listen)] = new("--listen", "-l"),
        [nameof(ServerOptions.Model)] = new("--model", "-m"),
        [nameof(ServerOptions.AsyncLoops)] = new("--async-loops"),
        [nameof(ServerOptions.MaxConnections)] = new("--max-connections"),
        [nameof(ServerOptions.MaxConnectionsPerAddress)] = new("--max-connections-per-ip"),
        [nameof(ServerOptions.IdleTimeout)] = new("--idle-timeout"),
        [nameof(ServerOptions.DrainTimeout)] = new("--drain"),
        [nameof(ServerOptions.DatagramReplyRate)] = new("--udp-reply-rate"),
        [nameof(ServerOptions.DatagramReplyBurst)] = new("--udp-reply-burst"),
        [nameof(ServerOptions.DatagramReplyLimitLoopback)] = new("--udp-reply-limit-loopback"),
        [Transport + nameof(TransportOptions.NoDelay)] = new("--tcp-nodelay"),
        [Transport + nameof(TransportOptions.KeepAlive)] = new("--keepalive"),
        [Transport + nameof(TransportOptions.ReuseAddress)] = new("--reuse-address"),
        [Transport + nameof(TransportOptions.SendBufferSize)] = new("--send-buffer"),
        [Transport + nameof(TransportOptions.ReceiveBufferSize)] = new("--receive-buffer"),
        [Transport + nameof(TransportOptions.Backlog)] = new("--backlog"),
        [Transport + nameof(TransportOptions.UnixSocketMode)] = new("--unix-mode"),
        [Transport + nameof(TransportOptions.DatagramBatchSize)] = new("--udp-batch"),
        [nameof(ServiceOptions.MaxLine)] = new("--max-line"),
        [nameof(ServiceOptions.LineFlush)] = new("--line-flush"),
        [nameof(ServiceOptions.LineTimeout)] = new("--line-timeout"),
        [nameof(ChatOptions.MaxLineBytes)] = new("--max-line"), // one flag, the line limit of whichever service runs
        [nameof(ChatOptions.MaxLineRate)] = new("--max-line-rate"),
        [nameof(ChatOptions.LineBurst)] = new("--line-burst"),
        [nameof(ChatOptions.MaxQueuedBytes)] = new("--max-queue-bytes"),
        [nameof(ChatOptions.SoftQueuedBytes)] = new("--soft-queue-bytes"),
        [nameof(ChatOptions.SoftQueueGrace)] = new("--soft-queue-grace"),
        [nameof(ChatOptions.BehindPolicy)] = new("--behind"),
        [nameof(ChatOptions.WriteDeadline)] = new("--write-deadline"),
        [nameof(ChatOptions.MaxMembers)] = new("--max-members"),
        [nameof(ChatOptions.NickTimeout)] = new("--nick-timeout"),
        [nameof(RedisBackplaneOptions.Redis)] = new("--backplane"),
        [nameof(RedisBackplaneOptions.ServerId)] = new("--server-id"),
        [nameof(RedisBackplaneOptions.ServerLostAfter)] = new("--server-lost-after"),
        [nameof(ClientOptions.ConnectTimeout)] = new("--timeout", "-w"),
        ["Tls.HandshakeTimeout"] = new("--tls-handshake-timeout"),
        ["Exec." + nameof(ExecOptions.Mode)] = new("--exec-mode"),
        ["Exec." + nameof(ExecOptions.Stderr)] = new("--stderr"),
        ["Exec." + nameof(ExecOptions.LingerTimeout)] = new("--linger"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The flag of a library option, by its name in <see cref="ByOption"/>.</summary>
    public static OptionFlag For(string option) => ByOption[option];

    /// <summary>The flag of a library option, if the tool has one.</summary>
    public static bool TryFor(string option, out OptionFlag flag) => ByOption.TryGetValue(option, out flag!);

    /// <summary>The flag of a library option, its default read from the options type: one source of truth, shown by --help.</summary>
    public static Option<T> Create<T>(string option, string description, T fallback)
    {
        var flag = For(option);
        // System.CommandLine shows no default for a bool flag: say it, as the other flags' defaults are said.
        var shown = fallback is bool on ? $"{description} [default: {(on ? "true" : "false")}]" : description;
        return new Option<T>(flag.Name, flag.Aliases) { Description = shown, DefaultValueFactory = _ => fallback };
    }

    /// <summary>A duration flag: typed as text (<c>5m</c>); its default the option's, written the same way (off as <c>0</c>).</summary>
    public static Option<string> Create(string option, string description, TimeSpan fallback) =>
        Create(option, description, DurationParser.Format(fallback == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : fallback));

    /// <summary>
    /// A library log line with the options it names in parentheses (its convention: <c>(MaxConnections)</c>,
    /// <c>(DatagramReplyRate, DatagramReplyBurst)</c>, <c>(e.g. MaxLine)</c>) named by their flags instead. Words
    /// outside parentheses, and names the table does not hold, are left as they are.
    /// </summary>
    public static string InFlags(string message)
    {
        if (!message.Contains('(', StringComparison.Ordinal))
        {
            return message;
        }

        return Parenthesized().Replace(message, group => OptionName().Replace(
            group.Value, name => ByOption.TryGetValue(name.Value, out var flag) ? flag.Name : name.Value));
    }

    [GeneratedRegex(@"\([^()]*\)")]
    private static partial Regex Parenthesized();

    [GeneratedRegex(@"\b[A-Z][A-Za-z]*(\.[A-Z][A-Za-z]*)?\b")]
    private static partial Regex OptionName();
}
