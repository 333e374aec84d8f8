using Switchboard.Chat;
using Switchboard.Chat.Internal;
using Switchboard.Tests.Support;

namespace Switchboard.Tests.Chat;

/// <summary>The member queue alone: what it counts, what it drops, and that queuing a shared line copies nothing.</summary>
public sealed class MemberQueueTests
{
    [Fact(Timeout = TestTimeouts.Exchange)]
    public void EachLineCostsItsBytesAndItsSlotAndLeavesInOrder()
    {
        var queue = new MemberQueue();
        for (var i = 0; i < 100; i++)
        {
            queue.Enqueue(ChatMessage.Line($"line {i}"));
        }

        Assert.Equal(100, queue.Count);
        Assert.Equal(Enumerable.Range(0, 100).Sum(i => $"line {i}\r\n".Length + ChatOptions.QueuedLineOverhead), queue.Bytes);
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal($"line {i}", queue.Dequeue().ToString());
        }

        Assert.Equal(0, queue.Bytes);
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void DroppingTakesTheOldestUntilTheQueueFits()
    {
        var queue = new MemberQueue();
        var line = ChatMessage.Line(new string('a', 68)); // 70 bytes + 32: 102 a line
        for (var i = 0; i < 10; i++)
        {
            queue.Enqueue(i == 9 ? ChatMessage.Line("newest") : line);
        }

        var dropped = queue.DropOldestUntil(300);
        Assert.Equal(7, dropped); // 9 × 102 + 40 = 958; seven fewer: 244
        Assert.Equal(3, queue.Count);
        Assert.Equal(2 * 102 + 40, queue.Bytes);
        queue.Dequeue();
        queue.Dequeue();
        Assert.Equal("newest", queue.Dequeue().ToString());
    }

    [Fact(Timeout = TestTimeouts.Exchange)]
    public void QueuingOneSharedLineToAThousandQueuesAllocatesNothingOnceWarm()
    {
        var queues = Enumerable.Range(0, 1000).Select(_ => new MemberQueue()).ToArray();
        var line = ChatMessage.Line("<nick> hello");
        void Round()
        {
            foreach (var queue in queues)
            {
                for (var i = 0; i < 50; i++)
                {
                    queue.Enqueue(line);
                }
            }

            foreach (var queue in queues)
            {
                while (queue.Count > 0)
                {
                    Assert.True(queue.Dequeue().Bytes.Span == line.Bytes.Span, "a queue holds a copy, not the shared bytes");
                }
            }
        }

        Round(); // the rings grow to 64 slots once
        var before = GC.GetAllocatedBytesForCurrentThread();
        Round();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
