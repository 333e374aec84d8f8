namespace Switchboard.Transport.Internal;

/// <summary>
/// The socket file a listener created, remembered by device and inode at bind, so stop removes that file only:
/// by then the path may hold a regular file or a newer server's live socket, and neither is ours to delete.
/// </summary>
internal sealed class OwnedSocketFile(string path, UnixFileIdentity identity)
{
    public string Path { get; } = path;

    /// <summary>
    /// Removes the path if it still names the file created at bind. A replacement between the check and the unlink
    /// is not excluded (POSIX has no unlink-this-inode), but the window is a system call wide, not the whole run.
    /// </summary>
    public void RemoveIfStillOurs()
    {
        if (UnixFileType.SocketIdentity(Path) != identity)
        {
            return;
        }

        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // Someone else removed or replaced it; nothing of ours is left to clean.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
