using System.Diagnostics;
using EdgeInspector.Agent.Capture;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using static EdgeInspector.Agent.Tests.Capture.CaptureFixtures;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>The capture tap on the publish stage's thread: the line never waits for the disk.</summary>
public sealed class PartCaptureTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FramePool _pool = new();

    private Frame FrameOf(byte fill)
    {
        var frame = _pool.Rent(64, 48, PixelFormat.Rgb8, 1, 0, 0);
        frame.Pixels.Fill(fill);
        return frame;
    }

    private (CaptureStore Store, PartCapture Capture) Create(CaptureOptions options, IFreeDiskSpace disk)
    {
        var store = new CaptureStore(_temp.Combine("captures"), options, disk, NullLogger<CaptureStore>.Instance);
        store.Open();
        return (store, new PartCapture(options, store, new Random(1), NullLogger<PartCapture>.Instance));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_slow_writer_drops_and_counts_captures_and_Observe_never_waits_for_it()
    {
        using var disk = new StalledDisk();
        var (store, capture) = Create(Options(maxPending: 2), disk);
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => capture.RunAsync(stop.Token));

        // The first part reaches the writer, which stalls on the disk; then two wait in the queue.
        using (var frame = FrameOf(1))
        {
            capture.Observe(new DecidedPart(VerdictOf(VerdictKind.Ng, 0.9, 1), frame, default));
        }

        await WaitUntilAsync(() => capture.Dropped == 0 && store.Held == 0);
        await Task.Delay(100);
        var watch = Stopwatch.StartNew();
        for (int seq = 2; seq <= 11; seq++)
        {
            using var frame = FrameOf((byte)seq);
            capture.Observe(new DecidedPart(VerdictOf(VerdictKind.Ng, 0.9, seq), frame, default));
        }

        watch.Stop();
        Assert.True(watch.ElapsedMilliseconds < 500, $"10 Observe calls took {watch.ElapsedMilliseconds} ms with the writer stalled");
        Assert.Equal(8, capture.Dropped);

        disk.Released.Set();
        await WaitUntilAsync(() => store.Held == 3);
        Assert.Equal(["demo-t-1", "demo-t-2", "demo-t-3"], store.List(null, [CaptureKind.Ng]).Select(p => p.Id));
        Assert.Equal(new CaptureStatus(3, store.Bytes, 8, 0), capture.Status);
        await stop.CancelAsync();
        await writer;
    }

    [Theory]
    [InlineData(CaptureFormat.Png, ".png")]
    [InlineData(CaptureFormat.Jpeg, ".jpg")]
    public async Task Kept_parts_are_full_resolution_images_of_the_frame_and_other_parts_are_not_kept(CaptureFormat format, string extension)
    {
        var options = Options();
        options.Format = format;
        var (store, capture) = Create(options, new SmallDisk(long.MaxValue / 2));
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(() => capture.RunAsync(stop.Token));

        using (var ng = FrameOf(200))
        using (var ok = FrameOf(10))
        {
            capture.Observe(new DecidedPart(VerdictOf(VerdictKind.Ok, 0.1, 1), ok, default));
            capture.Observe(new DecidedPart(VerdictOf(VerdictKind.Ng, 0.9, 2), ng, default));
            capture.Observe(new DecidedPart(VerdictOf(VerdictKind.Error, 0, 3, "camera: timeout"), null, default));
        }

        await WaitUntilAsync(() => store.Held == 1);
        var part = Assert.Single(store.List(null, [.. Enum.GetValues<CaptureKind>()]));
        Assert.Equal("demo-t-2" + extension, part.ImageFile);
        using var image = Cv2.ImRead(Path.Combine(store.Directory, part.ImageFile), ImreadModes.Unchanged);
        Assert.Equal((64, 48, 3), (image.Width, image.Height, image.Channels()));
        Assert.InRange(image.At<Vec3b>(10, 10).Item0, 198, 202);
        await stop.CancelAsync();
        await writer;
    }

    public void Dispose() => _temp.Dispose();
}
