using EdgeInspector.Agent.Capture;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using static EdgeInspector.Agent.Tests.Capture.CaptureFixtures;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>The capture store on disk: quota, free-disk floor, restart, damaged files.</summary>
public sealed class CaptureStoreTests : IDisposable
{
    private static readonly HashSet<CaptureKind> AllKinds = [.. Enum.GetValues<CaptureKind>()];
    private readonly TempDirectory _temp = new();

    private string Folder => _temp.Combine("captures");

    private CaptureStore Open(CaptureOptions options, IFreeDiskSpace? disk = null)
    {
        var store = new CaptureStore(Folder, options, disk ?? new SmallDisk(long.MaxValue / 2), NullLogger<CaptureStore>.Instance);
        store.Open();
        return store;
    }

    private static byte[] Image(int bytes, byte fill) => Enumerable.Repeat(fill, bytes).ToArray();

    private static void AddParts(CaptureStore store, int count, int imageBytes = 100_000)
    {
        for (int seq = 1; seq <= count; seq++)
        {
            Assert.True(store.Add(VerdictOf(VerdictKind.Ng, 0.9, seq), CaptureKind.Ng, Image(imageBytes, (byte)seq), ".png"));
        }
    }

    private string[] FilesOnDisk() => [.. Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    [Fact]
    public void A_tiny_quota_evicts_the_oldest_parts_first_and_is_never_exceeded()
    {
        // 1 MiB holds ten 100 kB images with their records, not eleven.
        var store = Open(Options(maxBytes: 1L << 20));

        AddParts(store, 14);

        var held = store.List(null, AllKinds);
        Assert.Equal(Enumerable.Range(5, 10).Select(s => $"demo-t-{s}"), held.Select(p => p.Id));
        Assert.Equal(4, store.Evicted);
        Assert.True(store.Bytes <= 1L << 20, $"{store.Bytes} bytes held");
        Assert.Equal(store.Bytes, new DirectoryInfo(Folder).EnumerateFiles().Sum(f => f.Length));
        Assert.DoesNotContain("demo-t-4.png", FilesOnDisk());
    }

    [Fact]
    public void Captures_always_leave_the_free_disk_floor_and_a_part_that_never_fits_is_refused()
    {
        // A 2.5 MB disk that must keep 2 MB free: room for four 100 kB parts, however large the quota.
        var disk = new SmallDisk(2_500_000);
        var store = Open(Options(minFreeBytes: 2_000_000), disk);

        AddParts(store, 8);

        Assert.Equal(4, store.Held);
        Assert.Equal(4, store.Evicted);
        Assert.True(disk.AvailableBytes(Folder) >= 2_000_000);
        Assert.Equal("demo-t-5", store.List(null, AllKinds)[0].Id);

        // Bigger than all the free space above the floor: nothing is evicted for it, it is refused.
        Assert.False(store.Add(VerdictOf(VerdictKind.Ng, 0.9, 99), CaptureKind.Ng, Image(600_000, 9), ".png"));
        Assert.Equal(1, store.NoRoom);
        Assert.Equal(0, store.Held);
    }

    [Fact]
    public void On_a_real_nearly_full_file_system_the_line_keeps_capturing_above_the_free_floor()
    {
        // A 3 MiB tmpfs the test mounts (CI runs as root), half filled by something else: the store
        // must keep 1 MB free through the file system's own free space, evicting its oldest parts.
        string mount = _temp.Combine("tmpfs");
        Directory.CreateDirectory(mount);
        Run("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", mount);
        try
        {
            File.WriteAllBytes(Path.Combine(mount, "other-data.bin"), new byte[1_500_000]);
            var disk = new FileSystemFreeSpace();
            string folder = Path.Combine(mount, "captures");
            var store = new CaptureStore(folder, Options(minFreeBytes: 1_000_000), disk, NullLogger<CaptureStore>.Instance);
            store.Open();

            for (int seq = 1; seq <= 20; seq++)
            {
                Assert.True(store.Add(VerdictOf(VerdictKind.Ng, 0.9, seq), CaptureKind.Ng, Image(100_000, (byte)seq), ".png"), $"part {seq} refused");
                Assert.True(disk.AvailableBytes(folder) >= 1_000_000, $"after part {seq}: {disk.AvailableBytes(folder)} bytes free");
            }

            Assert.True(store.Evicted > 0 && store.Held > 0, $"held {store.Held}, evicted {store.Evicted}");
            Assert.Equal($"demo-t-{store.Evicted + 1}", store.List(null, AllKinds)[0].Id);
            Assert.Equal(1_500_000, new FileInfo(Path.Combine(mount, "other-data.bin")).Length);
        }
        finally
        {
            Run("umount", mount);
        }
    }

    private static void Run(string command, params string[] arguments)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({error.Trim()}): this test mounts a small tmpfs and needs root (as ./dev.sh test has in CI)");
    }

    [Fact]
    public void A_restarted_store_rebuilds_its_index_from_disk()
    {
        var first = Open(Options());
        AddParts(first, 3, imageBytes: 1000);
        Assert.True(first.Add(VerdictOf(VerdictKind.Ok, 0.48, 4), CaptureKind.Uncertain, Image(1000, 4), ".jpg"));

        var second = Open(Options());

        Assert.Equal(first.List(null, AllKinds), second.List(null, AllKinds));
        Assert.Equal(first.Bytes, second.Bytes);
        var uncertain = Assert.Single(second.List(DateTimeOffset.UnixEpoch.AddSeconds(2), [CaptureKind.Uncertain]));
        Assert.Equal(("demo-t-4.jpg", "OK", 0.48, 2), (uncertain.ImageFile, uncertain.Verdict, uncertain.Score, uncertain.ModelVersion));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Image(1000, 4))), uncertain.Sha256);
    }

    [Fact]
    public void Damaged_entries_and_leftovers_of_an_interrupted_write_are_skipped_and_removed_at_start()
    {
        var first = Open(Options());
        AddParts(first, 4, imageBytes: 1000);
        File.WriteAllText(Path.Combine(Folder, "demo-t-1.json"), "{\"id\": \"demo-t-1\", \"kin");
        File.WriteAllBytes(Path.Combine(Folder, "demo-t-2.png"), [1, 2, 3]);
        File.Delete(Path.Combine(Folder, "demo-t-3.json"));
        File.WriteAllBytes(Path.Combine(Folder, "demo-t-5.png.tmp"), [1]);

        var second = Open(Options());

        Assert.Equal(["demo-t-4"], second.List(null, AllKinds).Select(p => p.Id));
        Assert.Equal(["demo-t-4.json", "demo-t-4.png"], FilesOnDisk());
        Assert.Equal(second.Bytes, new DirectoryInfo(Folder).EnumerateFiles().Sum(f => f.Length));
    }

    [Fact]
    public void A_removed_part_is_gone_from_disk_and_index()
    {
        var store = Open(Options());
        AddParts(store, 2, imageBytes: 1000);

        Assert.True(store.Remove("demo-t-1"));
        Assert.False(store.Remove("demo-t-1"));

        Assert.Null(store.Find("demo-t-1"));
        Assert.Equal(["demo-t-2.json", "demo-t-2.png"], FilesOnDisk());
    }

    public void Dispose() => _temp.Dispose();
}
