namespace EdgeInspector.Updates;

/// <summary>Writes that a power cut leaves either old or new, never half: temp file in the same folder, fsync, rename, fsync of the folder.</summary>
public static class AtomicFile
{
    public static void Write(string path, ReadOnlySpan<byte> contents)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DirectorySync.Flush(folder);
    }
}
