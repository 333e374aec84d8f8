namespace Switchboard.Transport.Internal;

/// <summary>Which file a path names (device and inode): the same path may later name someone else's file.</summary>
internal readonly record struct UnixFileIdentity(ulong Device, ulong Inode);
