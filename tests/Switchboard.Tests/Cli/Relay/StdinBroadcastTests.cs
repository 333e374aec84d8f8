using Switchboard.Cli.Relay;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Cli.Relay;

public sealed class StdinBroadcastTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task APeerThatTakesNothingIsDroppedAndTheOtherGetsAllOfStdin()
    {
        const int Chunks = 100; // far more than one share holds
        var notes = new StringWriter();
        var broadcast = new StdinBroadcast(new CountingSource(Chunks), TimeSpan.FromMilliseconds(200), notes);
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        broadcast.Subscribe("stuck peer", () => dropped.TrySetResult(), out _); // never read
        var reader = broadcast.Subscribe("reading peer", () => Assert.Fail("the reading peer was dropped"), out _);

        var received = new List<byte>();
        var buffer = new byte[4096];
        int n;
        while ((n = await reader.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            received.AddRange(buffer.AsSpan(0, n));
        }

        Assert.Equal(Enumerable.Range(0, Chunks).Select(i => (byte)i), received);
        await dropped.Task.WaitAsync(TestTimeouts.Io, TestContext.Current.CancellationToken);
        Assert.Contains("switchboard: dropped stuck peer:", notes.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Stdin as <c>count</c> one-byte reads: 0, 1, 2, …, then EOF.</summary>
    private sealed class CountingSource(int count) : IStdinSource
    {
        private int _next;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
        {
            if (_next == count)
            {
                return ValueTask.FromResult(0);
            }

            buffer.Span[0] = (byte)_next++;
            return ValueTask.FromResult(1);
        }
    }
}
