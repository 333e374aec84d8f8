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
        nameof(ChatOptions.MaxQueuedBytes), "chat: bytes queued for one member before it is told it is too slow and disconnected", Defaults.MaxQueuedBytes);

    public Option<int> MaxQueueMessages { get; } = OptionFlags.Create(
        nameof(ChatOptions.MaxQueuedMessages), "chat: messages queued for one member before it is told it is too slow and disconnected", Defaults.MaxQueuedMessages);

    public Option<string> NickTimeout { get; } = OptionFlags.Create(
        nameof(ChatOptions.NickTimeout),
        "chat: a new connection must choose a nick within this long, or it is told and closed (ms, s, m, h; 0 = off)",
        Defaults.NickTimeout);

    public IEnumerable<Option> All => [MaxMembers, MaxLineRate, LineBurst, MaxQueueBytes, MaxQueueMessages, NickTimeout];

    /// <summary>
    /// The chat's options from its flags, checked by <see cref="ChatOptions.Validate"/> whichever service runs; the
    /// chat's line limit is its own default unless --max-line is given.
    /// </summary>
    public ChatOptions Read(ParseResult parse, ServiceOptions options, Option<int> maxLine)
    {
        var chat = new ChatOptions
        {
            MaxMembers = parse.GetValue(MaxMembers),
            MaxLineRate = parse.GetValue(MaxLineRate),
            LineBurst = parse.GetValue(LineBurst),
            MaxQueuedBytes = parse.GetValue(MaxQueueBytes),
            MaxQueuedMessages = parse.GetValue(MaxQueueMessages),
            MaxLineBytes = IsGiven(parse, maxLine) ? options.MaxLine : Defaults.MaxLineBytes,
            NickTimeout = OptionValues.Parse(parse.GetValue(NickTimeout)!, NickTimeout.Name) is { } nick && nick > TimeSpan.Zero ? nick : Timeout.InfiniteTimeSpan,
        };
        chat.Validate();
        return chat;
    }

    /// <summary>
    /// For chat, the connection limit follows --max-members (plus room to say "full") unless given; at most the
    /// largest count, where a chat of that many members has no room left to say so.
    /// </summary>
    public static void AdjustServer(ParseResult parse, ChatOptions chat, ServerOptions server, Option<int> maxConnections)
    {
        if (!IsGiven(parse, maxConnections))
        {
            server.MaxConnections = Math.Min(chat.MaxMembers + FullNoticeHeadroom, OptionLimits.LargestCount);
        }
    }

    private static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}
