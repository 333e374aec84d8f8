using Switchboard.Tests.Support;
using Switchboard.Transport.Internal;

namespace Switchboard.Tests.Transport;

/// <summary>The rows of the readiness state table in docs/architecture.md, one transition at a time, without sockets.</summary>
public sealed class ReadinessStateTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AReportWithNoWaitPendingIsKeptUntilACallSaysItWouldBlock()
    {
        var state = new ReadinessState();
        state.Signal();
        Assert.Equal(ReadinessPhase.MaybeReady, state.Phase);
        state.Consumed(mayHaveLeftSome: true);
        Assert.Equal(ReadinessPhase.MaybeReady, state.Phase);
        state.WouldBlock();
        Assert.Equal(ReadinessPhase.Idle, state.Phase);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void AShortReadDrainsButNotAfterTheEndOfStreamWhichStaysReadable()
    {
        var state = new ReadinessState();
        state.Signal();
        state.Consumed(mayHaveLeftSome: false);
        Assert.Equal(ReadinessPhase.Idle, state.Phase);

        state.SignalEndOfStream();
        state.Consumed(mayHaveLeftSome: false);
        Assert.Equal(ReadinessPhase.MaybeReady, state.Phase);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AnArmedWaitEndsTrueOnAReportAndTheStateIsMaybeReadyWhenItsContinuationRuns()
    {
        var state = new ReadinessState();
        var wait = state.Arm();
        Assert.Equal(ReadinessPhase.Waiting, state.Phase);
        Assert.False(wait.IsCompleted);
        state.Signal();
        Assert.True(await wait);
        Assert.Equal(ReadinessPhase.MaybeReady, state.Phase);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AStaleTimeoutIsIgnoredAndTheCurrentOneEndsTheWaitFalse()
    {
        var state = new ReadinessState();
        var first = state.Arm();
        var stale = state.WaitVersion;
        state.Signal();
        Assert.True(await first);
        state.WouldBlock();

        var second = state.Arm();
        state.TimeOut(stale);
        Assert.Equal(ReadinessPhase.Waiting, state.Phase);
        state.TimeOut(state.WaitVersion);
        Assert.False(await second);
        Assert.Equal(ReadinessPhase.Idle, state.Phase);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task ACanceledWaitFailsAndLeavesTheStateIdleForTheNextWait()
    {
        var state = new ReadinessState();
        var wait = state.Arm();
        state.Cancel(new OperationCanceledException());
        await Assert.ThrowsAsync<OperationCanceledException>(async () => await wait);
        Assert.Equal(ReadinessPhase.Idle, state.Phase);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public async Task AFailedCallLetsTheNextWaitEndAtOnceAndCloseFailsAPendingWaitForGood()
    {
        var state = new ReadinessState();
        state.Failed();
        Assert.Equal(ReadinessPhase.MaybeReady, state.Phase);
        state.WouldBlock();

        var wait = state.Arm();
        state.Close(new ObjectDisposedException("socket"));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await wait);
        state.Signal();
        state.Consumed(mayHaveLeftSome: true);
        Assert.Equal(ReadinessPhase.Closed, state.Phase);
    }
}
