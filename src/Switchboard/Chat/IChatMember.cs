namespace Switchboard.Chat;

/// <summary>A member as the hub sees it: something that takes messages. The hub decides who gets what.</summary>
public interface IChatMember
{
    /// <summary>
    /// Queues <paramref name="message"/> for the member. Must never block and never throw: a member that cannot
    /// keep up disconnects itself, and the caller (often another member's session) goes straight on.
    /// </summary>
    void Deliver(ChatMessage message);

    /// <summary>
    /// Queues <paramref name="messages"/> in order, as <see cref="Deliver(ChatMessage)"/> does each. A member may
    /// take them in one step (one lock, one wake-up of its writer): a backplane hands over the lines that arrived
    /// together, and a writer that finds them all queued sends them in one write. Same rules: never block, never throw.
    /// </summary>
    void Deliver(ReadOnlySpan<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            Deliver(message);
        }
    }
}
