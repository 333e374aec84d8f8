using HdrHistogram;

namespace Switchboard.Cli.Bench;

/// <summary>
/// The clients an <see cref="EchoLoad"/> runs: how they are opened and driven, and what they counted. The load calls
/// these a few times a run (and the live display a few times a second), never per message: each kind keeps its own
/// hot loop.
/// </summary>
internal interface IEchoClients : IDisposable
{
    /// <summary>Datagram sockets rather than connections: the summary says sockets and counts loss.</summary>
    bool Datagrams { get; }

    /// <summary>A note for the title, such as <c>(TLS)</c>, or empty.</summary>
    string Note { get; }

    /// <summary>Connects (or opens) every client; Ctrl-C meanwhile ends it early with what is open, nothing measured.</summary>
    Task OpenAsync(CancellationToken stop);

    /// <summary>Drives the clients until <paramref name="measureUntil"/> or <paramref name="stop"/>, counting from <paramref name="measureFrom"/>.</summary>
    Task RunAsync(long measureFrom, long measureUntil, CancellationToken stop);

    /// <summary>The counts so far; read racily by the live display, which is fine for a progress view.</summary>
    EchoCounts Counts();

    /// <summary>Every latency recorded, merged; after <see cref="RunAsync"/>.</summary>
    LongHistogram Latency();

    /// <summary>The first failure's reason, for the summary.</summary>
    string? FirstFailure { get; }
}

/// <summary>What the clients of an <see cref="EchoLoad"/> counted in the measured span (loss: datagrams only).</summary>
internal readonly record struct EchoCounts(long Messages, long Bytes, long Lost, long Late, int Errors);
