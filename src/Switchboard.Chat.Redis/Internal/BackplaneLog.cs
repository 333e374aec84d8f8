using Microsoft.Extensions.Logging;

namespace Switchboard.Chat.Redis.Internal;

/// <summary>The backplane's log lines, with stable event ids (1100–1199).</summary>
internal static partial class BackplaneLog
{
    [LoggerMessage(1100, LogLevel.Information, "chat backplane: server {Server} (epoch {Epoch}) on Redis at {Redis}")]
    public static partial void Started(ILogger logger, string server, long epoch, string redis);

    [LoggerMessage(1101, LogLevel.Warning, "chat backplane: Redis unreachable ({Reason}); members chat with this server's members only until it is back")]
    public static partial void Unreachable(ILogger logger, string reason);

    [LoggerMessage(1102, LogLevel.Information, "chat backplane: Redis reachable again; presence, nicks and rooms written anew")]
    public static partial void Reachable(ILogger logger);

    [LoggerMessage(1103, LogLevel.Warning, "chat backplane: server {Server} lost (no presence); its {Count} members announced as gone")]
    public static partial void ServerLost(ILogger logger, string server, int count);

    [LoggerMessage(1104, LogLevel.Information, "chat backplane: server {Server} is back with {Count} members")]
    public static partial void ServerBack(ILogger logger, string server, int count);

    [LoggerMessage(1105, LogLevel.Warning, "chat backplane: {Count} lines from server {Server} missing on {Channel}")]
    public static partial void Missed(ILogger logger, long count, string server, string channel);

    [LoggerMessage(1106, LogLevel.Warning, "chat backplane: nick {Nick} is also held on server {Holder} after the reconnect")]
    public static partial void NickConflict(ILogger logger, string nick, string holder);

    [LoggerMessage(1107, LogLevel.Information, "chat backplane: server id {Server} still has the presence of an earlier run (epoch {Epoch}); waiting for it to lapse")]
    public static partial void WaitingForServerId(ILogger logger, string server, string epoch);

    [LoggerMessage(1108, LogLevel.Error, "chat backplane: another server runs with id {Server} (epoch {Epoch}) on this Redis; give each server its own id")]
    public static partial void ServerIdConflict(ILogger logger, string server, string epoch);
}
