using System.CommandLine;
using Switchboard.Chat;
using Switchboard.Cli.Parsing;
using Switchboard.Options;
using Switchboard.Services;
using Switchboard.Serving;

namespace Switchboard.Cli.Commands;

/// <summary>The <c>serve</c> flags that only the chat reads, and how they land in the options.</summary>
internal sealed class ChatServeOptions
{
    /// <summary>Connections beyond <see cref="ChatOptions.MaxMembers"/> the server still accepts, to tell them it is full.</summary>
    private const int FullNoticeHeadroom = 64;

    /// <summary>The chat's defaults, which the flags start from and <c>--help</c> shows.</summary>
    public static ChatOptions Defaults { get; } = new();

    public Option<int> MaxMembers { get; } = OptionFlags.Create(
        nameof(ChatOptions.MaxMembers),
        $"chat: most members at once; a newcomer beyond it is told the server is full (sets {OptionFlags.For(nameof(ServerOptions.MaxConnections)).Name} to this + {FullNoticeHeadroom} unless given)",
        Defaults.MaxMembers);

    public Option<int> MaxLineRate { get; } = OptionFlags.Create(
        nameof(ChatOptions.MaxLineRate), "chat: lines per second per member; over it the member's socket is not read, so TCP slows it alone (0 = off)", Defaults.MaxLineRate);

    public Option<int> LineBurst { get; } = OptionFlags.Create(
        nameof(ChatOptions.LineBurst), $"chat: lines a member may send at once before {OptionFlags.For(nameof(ChatOptions.MaxLineRate)).Name} applies", Defaults.LineBurst);

    public Option<int> MaxQueueBytes { get; } = OptionFlags.Create(
        nameof(ChatOptions.MaxQueuedBytes),
        $"chat: hard limit, bytes queued for one member (each line + {ChatOptions.QueuedLineOverhead}) beyond which it is behind at once (see {OptionFlags.For(nameof(ChatOptions.BehindPolicy)).Name})",
        Defaults.MaxQueuedBytes);

    public Option<int> SoftQueueBytes { get; } = OptionFlags.Create(
        nameof(ChatOptions.SoftQueuedBytes),
        $"chat: soft limit, bytes queued for one member; above it for longer than {OptionFlags.For(nameof(ChatOptions.SoftQueueGrace)).Name} the member is behind",
        Defaults.SoftQueuedBytes);

    public Option<string> SoftQueueGrace { get; } = OptionFlags.Create(
        nameof(ChatOptions.SoftQueueGrace), "chat: how long a member may stay above the soft queue limit (ms, s, m, h)", Defaults.SoftQueueGrace);

    public Option<string> Behind { get; } = CreateBehind();

    public Option<string> WriteDeadline { get; } = OptionFlags.Create(
        nameof(ChatOptions.WriteDeadline),
        "chat: a member whose socket takes nothing for this long is disconnected, whatever the policy (ms, s, m, h; 0 = off)",
        Defaults.WriteDeadline);

    public Option<string> NickTimeout { get; } = OptionFlags.Create(
        nameof(ChatOptions.NickTimeout),
        "chat: a new connection must choose a nick within this long, or it is told and closed (ms, s, m, h; 0 = off)",
        Defaults.NickTimeout);

    public IEnumerable<Option> All => [MaxMembers, MaxLineRate, LineBurst, MaxQueueBytes, SoftQueueBytes, SoftQueueGrace, Behind, WriteDeadline, NickTimeout];

    /// <summary>
    /// The chat's options: a flag given wins, else the configuration's (<c>Chat:…</c>, or the library's default),
    /// checked by <see cref="ChatOptions.Validate"/> whichever service runs; the chat's line limit is
    /// <c>Chat:MaxLineBytes</c> (or its own default) unless --max-line is given.
    /// </summary>
    public ChatOptions Read(ParseResult parse, ServiceOptions options, Option<int> maxLine, ChatOptions configured)
    {
        var chat = new ChatOptions
        {
            MaxMembers = Pick(parse, MaxMembers, configured.MaxMembers),
            MaxLineRate = Pick(parse, MaxLineRate, configured.MaxLineRate),
            LineBurst = Pick(parse, LineBurst, configured.LineBurst),
            MaxQueuedBytes = Pick(parse, MaxQueueBytes, configured.MaxQueuedBytes),
            SoftQueuedBytes = Pick(parse, SoftQueueBytes, configured.SoftQueuedBytes),
            SoftQueueGrace = IsGiven(parse, SoftQueueGrace) ? OptionValues.Parse(parse.GetValue(SoftQueueGrace)!, SoftQueueGrace.Name) : configured.SoftQueueGrace,
            BehindPolicy = IsGiven(parse, Behind) ? Enum.Parse<ChatBehindPolicy>(parse.GetValue(Behind)!, ignoreCase: true) : configured.BehindPolicy,
            WriteDeadline = IsGiven(parse, WriteDeadline) ? OffWhenZero(OptionValues.Parse(parse.GetValue(WriteDeadline)!, WriteDeadline.Name)) : configured.WriteDeadline,
            MaxLineBytes = IsGiven(parse, maxLine) ? options.MaxLine : configured.MaxLineBytes,
            NickTimeout = IsGiven(parse, NickTimeout) ? OffWhenZero(OptionValues.Parse(parse.GetValue(NickTimeout)!, NickTimeout.Name)) : configured.NickTimeout,
            CloseTimeout = configured.CloseTimeout,
            DefaultRoom = configured.DefaultRoom,
            ServerName = configured.ServerName,
        };
        chat.Validate();
        return chat;
    }

    /// <summary>
    /// For chat, the connection limit follows --max-members (plus room to say "full") unless given (as a flag or in the
    /// configuration); at most the
    /// largest count, where a chat of that many members has no room left to say so.
    /// </summary>
    public static void AdjustServer(ParseResult parse, ChatOptions chat, ServerOptions server, Option<int> maxConnections, ConfiguredOptions configured)
    {
        if (!IsGiven(parse, maxConnections) && !configured.Has(nameof(ServerOptions.MaxConnections)))
        {
            server.MaxConnections = Math.Min(chat.MaxMembers + FullNoticeHeadroom, OptionLimits.LargestCount);
        }
    }

    private static Option<string> CreateBehind()
    {
        var behind = OptionFlags.Create(
            nameof(ChatOptions.BehindPolicy),
            "chat: what happens to a member that is behind: skip (drop its oldest queued lines, tell it how many, keep it) or disconnect (tell it and close)",
            Defaults.BehindPolicy.ToString().ToLowerInvariant());
        behind.AcceptOnlyFromAmong("skip", "disconnect");
        return behind;
    }

    private static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static T Pick<T>(ParseResult parse, Option<T> flag, T configured) => IsGiven(parse, flag) ? parse.GetValue(flag)! : configured;

    private static TimeSpan OffWhenZero(TimeSpan duration) => duration > TimeSpan.Zero ? duration : Timeout.InfiniteTimeSpan;
}
