namespace EdgeInspector.Agent.Capture;

/// <summary>Free bytes on the file system that holds a folder; a seam so tests can fill a disk without filling one.</summary>
public interface IFreeDiskSpace
{
    long AvailableBytes(string directory);
}

/// <summary>The real file system's free space, as an unprivileged process may use it.</summary>
public sealed class FileSystemFreeSpace : IFreeDiskSpace
{
    public long AvailableBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;
}
