using System.CommandLine;
using Switchboard.Chat.Redis;
using Switchboard.Cli.Parsing;

namespace Switchboard.Cli.Commands;

/// <summary>The <c>serve chat</c> flags that join several chat servers through Redis, and how they land in the options.</summary>
internal sealed class BackplaneServeOptions
{
    /// <summary>The backplane's defaults, which the flags start from and <c>--help</c> shows.</summary>
    public static RedisBackplaneOptions Defaults { get; } = new();

    public Option<string?> Backplane { get; } = new(OptionFlags.For(nameof(RedisBackplaneOptions.Redis)).Name)
    {
        Description = "chat: share rooms, nicks and presence with other chat servers through Redis: redis://[[USER]:PASSWORD@]HOST:PORT, "
            + "rediss://… (TLS), unix:///path/redis.sock; StackExchange.Redis options as ?name=value (password, ssl, sslHost, connectTimeout…) [default: none, the chat is in-process]",
    };

    public Option<string> ServerId { get; } = new(OptionFlags.For(nameof(RedisBackplaneOptions.ServerId)).Name)
    {
        Description = "chat: this server's name in the cluster, unique per running server: an id already live in the cluster is refused at start (exit 1); "
            + "after a crash, a restart with the same id waits for the old presence to lapse [default: HOST-PID]",
    };

    public Option<string> ServerLostAfter { get; } = OptionFlags.Create(
        nameof(RedisBackplaneOptions.ServerLostAfter),
        "chat: a server that stops refreshing its presence (killed, cut off) has its members announced as gone within this long (ms, s, m, h)",
        Defaults.ServerLostAfter);

    public IEnumerable<Option> All => [Backplane, ServerId, ServerLostAfter];

    /// <summary>The backplane's options, or null without --backplane (the chat stays in-process).</summary>
    public RedisBackplaneOptions? Read(ParseResult parse)
    {
        if (parse.GetValue(Backplane) is not { } uri)
        {
            return null;
        }

        RedisBackplaneOptions options;
        try
        {
            options = new RedisBackplaneOptions { Redis = RedisBackplaneUri.Parse(uri) };
        }
        catch (FormatException e)
        {
            throw new UsageException($"{Backplane.Name}: {e.Message}");
        }

        if (parse.GetValue(ServerId) is { } id)
        {
            options.ServerId = id;
        }

        options.ServerLostAfter = OptionValues.Parse(parse.GetValue(ServerLostAfter)!, ServerLostAfter.Name);
        options.Validate();
        return options;
    }
}
