using System.Net.Sockets;

namespace Switchboard.Transport.Internal;

/// <summary>
/// The registration of readiness backends, and which one a loop uses: the <see cref="LoopBackend"/> asked for, else
/// the environment variable <see cref="EnvironmentVariable"/>, else the platform's best. The option wins over the
/// variable, so code (and a test) that names a backend gets it; <see cref="LoopBackend.Default"/> defers to the
/// variable, which lets CI run the whole suite over another backend without touching code.
/// </summary>
internal static class ReadinessBackends
{
    public const string EnvironmentVariable = "SWITCHBOARD_LOOP_BACKEND";

    // One row per backend. Scalable: a wake-up costs O(ready sockets), so the async model runs on loops over it even
    // when nobody chose it; a backend that costs O(sockets) serves the async model only when chosen.
    private static readonly Entry[] Registered =
    [
        new(LoopBackend.Epoll, "epoll", OperatingSystem.IsLinux(), Scalable: true, wake => new EpollBackend(wake)),
        new(LoopBackend.Poll, "poll", Available: true, Scalable: false, wake => new PollBackend(wake)),
    ];

    /// <summary>The names <see cref="EnvironmentVariable"/> accepts, for messages and docs.</summary>
    public static string Names => string.Join(", ", Registered.Select(e => e.Name));

    /// <summary>The backend a loop asked for <paramref name="option"/> uses; throws <see cref="ArgumentException"/> with one clear line.</summary>
    public static LoopBackend Resolve(LoopBackend option) => Resolve(option, Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>As <see cref="Resolve(LoopBackend)"/>, with the environment variable's value given.</summary>
    public static LoopBackend Resolve(LoopBackend option, string? environment)
    {
        if (option != LoopBackend.Default)
        {
            return Available(Find(option), "ServerOptions.LoopBackend");
        }

        if (!string.IsNullOrWhiteSpace(environment))
        {
            var name = environment.Trim();
            var entry = Registered.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"{EnvironmentVariable}={name}: not a loop backend; use one of: {Names}");
            return Available(entry, EnvironmentVariable);
        }

        return (Registered.FirstOrDefault(e => e.Available && e.Scalable) ?? Find(LoopBackend.Poll)).Backend;
    }

    /// <summary>
    /// True when the async model should serve connections on event loops over the backend of
    /// <paramref name="option"/>: always for a scalable backend, and for any backend someone chose.
    /// </summary>
    public static bool ServesAsyncModel(LoopBackend option)
    {
        var chosen = option != LoopBackend.Default || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(EnvironmentVariable));
        return chosen || Find(Resolve(option)).Scalable;
    }

    /// <summary>Creates the backend for <paramref name="option"/> (resolved first), watching <paramref name="wake"/>.</summary>
    public static IReadinessBackend Create(LoopBackend option, Socket wake) => Find(Resolve(option)).Create(wake);

    private static Entry Find(LoopBackend backend) =>
        Registered.FirstOrDefault(e => e.Backend == backend)
        ?? throw new ArgumentException($"{backend} is not a loop backend; use one of: {Names}");

    private static LoopBackend Available(Entry entry, string source) => entry.Available
        ? entry.Backend
        : throw new ArgumentException($"loop backend {entry.Name} ({source}) is not available on this system; use one of: {string.Join(", ", Registered.Where(e => e.Available).Select(e => e.Name))}");

    private sealed record Entry(LoopBackend Backend, string Name, bool Available, bool Scalable, Func<Socket, IReadinessBackend> Create);
}
