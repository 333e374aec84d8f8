using Microsoft.Extensions.Logging;
using Switchboard.Chat;
using Switchboard.Chat.Redis;
using Switchboard.Services;

namespace Switchboard.Cli.Commands;

/// <summary>What <c>serve chat --backplane</c> needs once the logs exist: the Redis hub, and a chat on it.</summary>
internal sealed record ChatBackplane(RedisBackplaneOptions Options, ChatOptions Chat, ServiceOptions Services)
{
    public Task<RedisChatHub> ConnectAsync(ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        Options.LoggerFactory = loggerFactory;
        Options.MeterFactory = Chat.MeterFactory;
        return RedisChatHub.ConnectAsync(Options, Chat, cancellationToken);
    }

    public ChatService Service(IChatHub hub) => new(Chat, Services, hub);
}
