using Switchboard.Chat;
using Switchboard.Chat.Redis;
using Switchboard.Tests.Chat;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.ChatRedis;

/// <summary>Several in-process chat servers (a, b, c …) sharing one <see cref="RedisTestServer"/> through <see cref="RedisChatHub"/>.</summary>
public sealed class ChatCluster : IAsyncDisposable
{
    private readonly List<(ChatTestServer Server, RedisChatHub Hub, TestMeterFactory Meters)> _nodes = [];

    private ChatCluster(RedisTestServer redis)
    {
        Redis = redis;
    }

    public RedisTestServer Redis { get; }

    public ChatTestServer this[int index] => _nodes[index].Server;

    public RedisChatHub Hub(int index) => _nodes[index].Hub;

    /// <summary>Where server <paramref name="index"/>'s backplane meter came from (its chat's is the server's <c>Meters</c>).</summary>
    internal TestMeterFactory BackplaneMeters(int index) => _nodes[index].Meters;

    /// <summary>Starts Redis and <paramref name="servers"/> chat servers named a, b, c …, rate limit off.</summary>
    public static async Task<ChatCluster> StartAsync(int servers, TimeSpan? lostAfter = null, int maxPendingPublishes = 65_536)
    {
        var cluster = new ChatCluster(await RedisTestServer.StartAsync());
        for (var i = 0; i < servers; i++)
        {
            var chat = new ChatOptions { MaxLineRate = 0, MaxQueuedBytes = 16 << 20, SoftQueuedBytes = 16 << 20 }; // watchers read one after another
            var options = new RedisBackplaneOptions
            {
                Redis = RedisBackplaneUri.Parse(cluster.Redis.Uri),
                ServerId = ((char)('a' + i)).ToString(),
                ServerLostAfter = lostAfter ?? TimeSpan.FromSeconds(2),
                MaxPendingPublishes = maxPendingPublishes,
                MeterFactory = new TestMeterFactory(),
            };
            var hub = await RedisChatHub.ConnectAsync(options, chat);
            cluster._nodes.Add((ChatTestServer.Start(chat, hub: hub), hub, (TestMeterFactory)options.MeterFactory));
        }

        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (server, hub, meters) in _nodes)
        {
            await server.DisposeAsync();
            await hub.DisposeAsync();
            meters.Dispose();
        }

        await Redis.DisposeAsync();
    }
}
