using System.Runtime.InteropServices;

namespace EdgeInspector.Updates;

/// <summary>
/// fsync of a directory, so the renames and new names in it survive a power cut (fsync of a file
/// makes its bytes durable, not its name). .NET has no API for it: on Linux the directory is
/// opened with open(O_RDONLY|O_DIRECTORY) and fsynced through libc; elsewhere this does nothing.
/// </summary>
public static partial class DirectorySync
{
    private const int ReadOnly = 0;
    private const int CloseOnExec = 0x80000;

    /// <summary>Fsyncs <paramref name="directory"/>; throws <see cref="IOException"/> naming the folder and the errno when it cannot.</summary>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string full = Path.GetFullPath(directory);
        int fd = Open(full, ReadOnly | OpenDirectory | CloseOnExec);
        if (fd < 0)
        {
            throw Failure("open", full);
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw Failure("fsync", full);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>Fsyncs <paramref name="directory"/> and every folder under it (after writing a tree of new files).</summary>
    public static void FlushTree(string directory)
    {
        foreach (string sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories))
        {
            Flush(sub);
        }

        Flush(directory);
    }

    /// <summary>O_DIRECTORY differs by architecture: 0200000 on x86/x64, 040000 on Arm (the Jetson).</summary>
    private static int OpenDirectory => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x4000 : 0x10000;

    private static IOException Failure(string call, string directory)
    {
        int errno = Marshal.GetLastPInvokeError();
        return new IOException($"cannot fsync folder '{directory}': {call} failed with errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)}); it must be an existing folder on a local file system the agent may read");
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
