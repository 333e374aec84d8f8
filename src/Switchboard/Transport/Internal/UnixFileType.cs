using System.Runtime.InteropServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Tells what kind of file a path is, and which file it is. .NET's FileInfo reports a socket file as "Normal", the
/// same as a regular file, and the two must be told apart: a stale socket may be replaced, a regular file never.
/// </summary>
internal static partial class UnixFileType
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int SocketType = 0xC000; // S_IFSOCK

    public static bool IsSocket(string path) => SocketIdentity(path) is not null;

    /// <summary>The device and inode of the socket file at <paramref name="path"/>; null if there is none.</summary>
    public static UnixFileIdentity? SocketIdentity(string path)
    {
        var stat = new byte[256]; // larger than struct stat on every Linux ABI
        if (lstat(path, stat) != 0)
        {
            return null;
        }

        // st_dev and st_ino come first on every Linux ABI; st_mode follows them on the generic ABI (arm64), while
        // x86-64 puts st_nlink (8 bytes) in between.
        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        var mode = BitConverter.ToInt32(stat, offset);
        if ((mode & TypeMask) != SocketType)
        {
            return null;
        }

        return new UnixFileIdentity(BitConverter.ToUInt64(stat, 0), BitConverter.ToUInt64(stat, 8));
    }

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int lstat(string path, [Out] byte[] buffer);
}
