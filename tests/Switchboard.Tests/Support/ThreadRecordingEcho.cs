using System.Collections.Concurrent;
using Switchboard.Handlers;
using Switchboard.Transport;

namespace Switchboard.Tests.Support;

/// <summary>An echo handler that records the name of the thread each of its reads ran on: which loop served it.</summary>
internal sealed class ThreadRecordingEcho : IStreamHandler
{
    public ConcurrentQueue<string> Threads { get; } = new();

    public async ValueTask HandleAsync(Connection connection, CancellationToken cancellationToken)
    {
        while (true)
        {
            Threads.Enqueue(Thread.CurrentThread.Name ?? "?");
            var result = await connection.Input.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                await connection.Output.WriteAsync(segment, cancellationToken);
            }

            connection.Input.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return;
            }
        }
    }
}
