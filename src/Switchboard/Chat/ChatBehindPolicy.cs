namespace Switchboard.Chat;

/// <summary>What the chat does with a member that has fallen behind (<see cref="ChatOptions.SoftQueuedBytes"/>, <see cref="ChatOptions.MaxQueuedBytes"/>).</summary>
public enum ChatBehindPolicy
{
    /// <summary>
    /// Drop the oldest lines queued for the member, keep it, and tell it once, where the gap is, how many lines it
    /// missed (<c>*** 120 lines dropped</c>). The default: a member that reads, only more slowly than a paste
    /// arrives, loses lines it could never have caught up with, not its place in the chat.
    /// </summary>
    Skip,

    /// <summary>
    /// Tell the member it is too far behind and disconnect it, as Redis does with a pub/sub client over
    /// <c>client-output-buffer-limit</c> and IRC servers with a client over its sendq.
    /// </summary>
    Disconnect,
}
