using System.Runtime.InteropServices;

namespace Spine.Platform.Storage;

/// <summary>
/// fsync of files and of the folders that name them. A new or renamed file survives a power cut only once its folder
/// is synced too (POSIX leaves the name in memory until then); .NET has no API for a folder, hence libc.
/// </summary>
internal static partial class Durability
{
    public static void SyncFile(string path)
    {
        // FileStream only flushes to disk through a handle that can write; opening for write does not truncate.
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1);
        file.Flush(flushToDisk: true);
    }

    public static void SyncDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // NTFS journals names with the metadata; a folder cannot be opened for a flush there.
        }

        var descriptor = Open(path, 0 /* O_RDONLY */);
        if (descriptor < 0)
        {
            throw new IOException($"{path}: the folder could not be opened to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"{path}: fsync of the folder failed (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
