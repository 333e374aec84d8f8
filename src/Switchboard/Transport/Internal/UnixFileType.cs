using System.Runtime.InteropServices;

namespace Switchboard.Transport.Internal;

/// <summary>
/// Tells what kind of file a path is. .NET's FileInfo reports a socket file as "Normal", the same as a regular
/// file, and the two must be told apart: a stale socket may be replaced, a regular file never.
/// </summary>
internal static partial class UnixFileType
{
    private const int TypeMask = 0xF000; // S_IFMT
    private const int SocketType = 0xC000; // S_IFSOCK

    public static bool IsSocket(string path)
    {
        var stat = new byte[256]; // larger than struct stat on every Linux ABI
        if (lstat(path, stat) != 0)
        {
            return false;
        }

        // st_mode sits after st_dev and st_ino; x86-64 puts st_nlink (8 bytes) before it, the generic ABI (arm64) after.
        var offset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        var mode = BitConverter.ToInt32(stat, offset);
        return (mode & TypeMask) == SocketType;
    }

    [LibraryImport("libc", EntryPoint = "lstat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int lstat(string path, [Out] byte[] buffer);
}
