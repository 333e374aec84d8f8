namespace Switchboard.Chat;

/// <summary>A room as <c>/rooms</c> lists it.</summary>
/// <param name="Name">The room's name, lower case.</param>
/// <param name="MemberCount">Members in it now.</param>
public readonly record struct ChatRoomInfo(string Name, int MemberCount);
