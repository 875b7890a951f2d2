using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Spine.Platform.Storage;

/// <summary>
/// What .NET lacks for durable files: fsync of a folder (a new or renamed file survives a power cut only once its
/// folder is synced too; POSIX leaves the name in memory until then) and Linux's sync_file_range, hence libc.
/// </summary>
internal static partial class Durability
{
    private const uint WaitBefore = 1, Write = 2, WaitAfter = 4;

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

    /// <summary>
    /// Writes the file's dirty pages to the disk and waits until the disk has taken them (not until its cache is flushed:
    /// the journal commit of a later fsync does that, and orders them before the commit). False where the system cannot,
    /// in which case only an fsync of the file orders its data before a rename.
    /// </summary>
    public static bool WaitForWriteBack(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            if (SyncFileRange((int)file.DangerousGetHandle(), 0, 0, WaitBefore | Write | WaitAfter) != 0)
            {
                throw new IOException($"writing a file's data to the disk failed (sync_file_range errno {Marshal.GetLastPInvokeError()}).");
            }

            return true;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(int descriptor, long offset, long count, uint flags);
}
