using System.CommandLine;
using Switchboard.Chat;
using Switchboard.Cli.Parsing;
using Switchboard.Services;
using Switchboard.Serving;

namespace Switchboard.Cli.Commands;

/// <summary>The <c>serve</c> flags that only the chat reads, and how they land in the options.</summary>
internal sealed class ChatServeOptions
{
    /// <summary>Connections beyond <see cref="ChatOptions.MaxMembers"/> the server still accepts, to tell them it is full.</summary>
    private const int FullNoticeHeadroom = 64;

    private static readonly ChatOptions Defaults = new();

    /// <summary>The longest a timer can wait: 0xFFFFFFFE ms, about 1,193 hours.</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    public Option<int> MaxMembers { get; } = new("--max-members")
    {
        Description = "chat: most members at once; a newcomer beyond it is told the server is full (sets --max-connections to this + 64 unless given)",
        DefaultValueFactory = _ => Defaults.MaxMembers,
    };

    public Option<int> MaxLineRate { get; } = new("--max-line-rate")
    {
        Description = "chat: lines per second per member; over it the member's socket is not read, so TCP slows it alone (0 = off)",
        DefaultValueFactory = _ => Defaults.MaxLineRate,
    };

    public Option<int> LineBurst { get; } = new("--line-burst")
    {
        Description = "chat: lines a member may send at once before --max-line-rate applies",
        DefaultValueFactory = _ => Defaults.LineBurst,
    };

    public Option<int> MaxQueueBytes { get; } = new("--max-queue-bytes")
    {
        Description = "chat: bytes queued for one member before it is told it is too slow and disconnected",
        DefaultValueFactory = _ => Defaults.MaxQueuedBytes,
    };

    public Option<int> MaxQueueMessages { get; } = new("--max-queue-messages")
    {
        Description = "chat: messages queued for one member before it is told it is too slow and disconnected",
        DefaultValueFactory = _ => Defaults.MaxQueuedMessages,
    };

    public Option<string> NickTimeout { get; } = new("--nick-timeout")
    {
        Description = "chat: a new connection must choose a nick within this long, or it is told and closed (ms, s, m, h; 0 = off)",
        DefaultValueFactory = _ => "60s",
    };

    public IEnumerable<Option> All => [MaxMembers, MaxLineRate, LineBurst, MaxQueueBytes, MaxQueueMessages, NickTimeout];

    /// <summary>The chat's options from its flags; the chat's line limit is 4 KiB unless --max-line is given.</summary>
    public ChatOptions Read(ParseResult parse, ServiceOptions options, Option<int> maxLine)
    {
        return new ChatOptions
        {
            MaxMembers = Positive(parse.GetValue(MaxMembers), "--max-members", OptionValues.LargestCount - FullNoticeHeadroom),
            MaxLineRate = NonNegative(parse.GetValue(MaxLineRate), "--max-line-rate"),
            LineBurst = Positive(parse.GetValue(LineBurst), "--line-burst"),
            MaxQueuedBytes = Positive(parse.GetValue(MaxQueueBytes), "--max-queue-bytes", OptionValues.LargestBytes),
            MaxQueuedMessages = Positive(parse.GetValue(MaxQueueMessages), "--max-queue-messages"),
            MaxLineBytes = IsGiven(parse, maxLine) ? options.MaxLine : Defaults.MaxLineBytes,
            NickTimeout = Timeout(parse.GetValue(NickTimeout)!, "--nick-timeout"),
        };
    }

    /// <summary>For chat, the connection limit follows --max-members (plus room to say "full") unless given.</summary>
    public static void AdjustServer(ParseResult parse, ChatOptions chat, ServerOptions server, Option<int> maxConnections)
    {
        if (!IsGiven(parse, maxConnections))
        {
            server.MaxConnections = chat.MaxMembers + FullNoticeHeadroom;
        }
    }

    /// <summary>A duration a timer can hold (under 49 days); 0 turns the timeout off.</summary>
    private static TimeSpan Timeout(string text, string option)
    {
        if (!DurationParser.TryParse(text, out var duration))
        {
            throw new UsageException($"{option}: '{text}' is not a duration (e.g. 30s, 5m, 1h; a bare number is seconds)");
        }

        if (duration > Longest)
        {
            throw new UsageException($"{option}: {text} is too long (at most {Longest.TotalHours:0} hours; 0 turns it off)");
        }

        return duration == TimeSpan.Zero ? System.Threading.Timeout.InfiniteTimeSpan : duration;
    }

    private static bool IsGiven(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static int Positive(int value, string option, int max = OptionValues.LargestCount) => OptionValues.Positive(value, option, max);

    private static int NonNegative(int value, string option) => OptionValues.NonNegative(value, option);
}
