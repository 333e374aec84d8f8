namespace Switchboard.Chat;

/// <summary>The outcome of <see cref="IChatHub.RegisterAsync"/> and <see cref="IChatHub.RenameAsync"/>.</summary>
public enum ChatRegistration
{
    /// <summary>The member now has the nick.</summary>
    Done,

    /// <summary>Another member has the nick (compared without regard to case).</summary>
    NickTaken,

    /// <summary>The hub holds its maximum number of members.</summary>
    Full,

    /// <summary>The member is not registered (rename before register, or after leaving).</summary>
    NotMember,
}
