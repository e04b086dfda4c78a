using EdgeInspector.Testing;
using EdgeInspector.Updates;

namespace EdgeInspector.Updates.Tests;

/// <summary>The Linux directory fsync behind every rename in the update store (the suite runs on Linux).</summary>
public sealed class DirectorySyncTests
{
    [Fact]
    public void A_real_folder_and_its_tree_are_flushed()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("a", "b"));
        File.WriteAllText(dir.Combine("a", "b", "f.txt"), "x");

        DirectorySync.Flush(dir.Path);
        DirectorySync.FlushTree(dir.Path);
        AtomicFile.Write(dir.Combine("a", "pointer"), "{}"u8);

        Assert.Equal("{}", File.ReadAllText(dir.Combine("a", "pointer")));
        Assert.Equal([dir.Combine("a", "pointer")], Directory.GetFiles(dir.Combine("a")));
    }

    [Fact]
    public void A_missing_folder_fails_naming_it_and_the_errno()
    {
        using var dir = new TempDirectory();
        string missing = dir.Combine("missing");

        var e = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));

        Assert.Contains($"cannot fsync folder '{missing}': open failed with errno 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("must be an existing folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_is_refused_because_the_folder_is_opened_with_O_DIRECTORY()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("file"), "x");

        var e = Assert.Throws<IOException>(() => DirectorySync.Flush(dir.Combine("file")));

        Assert.Contains("errno 20", e.Message, StringComparison.Ordinal);
    }
}
