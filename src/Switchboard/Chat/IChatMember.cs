namespace Switchboard.Chat;

/// <summary>A member as the hub sees it: something that takes messages. The hub decides who gets what.</summary>
public interface IChatMember
{
    /// <summary>
    /// Queues <paramref name="message"/> for the member. Must never block and never throw: a member that cannot
    /// keep up disconnects itself, and the caller (often another member's session) goes straight on.
    /// </summary>
    void Deliver(ChatMessage message);
}
