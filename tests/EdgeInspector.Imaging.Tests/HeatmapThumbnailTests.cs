using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging.Tests;

public sealed class HeatmapThumbnailTests
{
    private static float[] Ramp(int w, int h)
    {
        var map = new float[w * h];
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = (i % w) / (float)(w - 1);
        }

        return map;
    }

    private static Mat Decode(byte[] jpeg)
    {
        Assert.True(jpeg.Length > 4);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, jpeg[..2]);
        var image = Cv2.ImDecode(jpeg, ImreadModes.Color);
        Assert.False(image.Empty(), "OpenCV could not decode the thumbnail");
        return image;
    }

    [Theory]
    [InlineData(320, true)]
    [InlineData(320, false)]
    [InlineData(200, true)]
    public void Renders_a_jpeg_at_the_configured_width_within_the_byte_budget(int width, bool withMap)
    {
        const int maxBytes = 64 * 1024;
        using var thumbnail = new HeatmapThumbnail(width, maxBytes);
        using var frame = TestFrames.SyntheticRgb(640, 480, SyntheticDefect.Scratch, seed: 3);
        var map = withMap ? Ramp(224, 224) : null;

        byte[] jpeg = thumbnail.Render(frame, map, 224, 224, [new DefectRegion(100, 100, 50, 40, 2000, 0.9)]);

        Assert.InRange(jpeg.Length, 1, maxBytes);
        using var image = Decode(jpeg);
        Assert.Equal(width, image.Width);
        Assert.Equal(width * 480 / 640, image.Height);
    }

    [Fact]
    public void The_map_colours_the_thumbnail()
    {
        using var thumbnail = new HeatmapThumbnail(128, 64 * 1024, quality: 95);
        using var frame = TestFrames.Solid(256, 256, PixelFormat.Rgb8, 128, 128, 128);
        var hot = new float[32 * 32];
        Array.Fill(hot, 1.0f);

        using var plain = Decode(thumbnail.Render(frame, null, 0, 0, []));
        using var heated = Decode(thumbnail.Render(frame, hot, 32, 32, []));

        // Grey stays grey without a map; a map of 1.0 (Jet: dark red) pulls red up and blue down.
        var p = plain.At<Vec3b>(64, 64);
        var h = heated.At<Vec3b>(64, 64);
        Assert.InRange(Math.Abs(p.Item0 - p.Item2), 0, 8);
        Assert.True(h.Item2 > h.Item0 + 40, $"heated pixel BGR({h.Item0},{h.Item1},{h.Item2}) is not red-shifted");
    }

    [Fact]
    public void Regions_are_boxed()
    {
        using var thumbnail = new HeatmapThumbnail(128, 64 * 1024, quality: 95);
        using var frame = TestFrames.Solid(256, 256, PixelFormat.Rgb8, 20, 20, 20);

        // Frame→thumbnail scale is 0.5: the box's left edge lands at x = 40.
        using var boxed = Decode(thumbnail.Render(frame, null, 0, 0, [new DefectRegion(80, 80, 60, 60, 3600, 0.9)]));

        Assert.True(boxed.At<Vec3b>(55, 40).Item1 > 150, "no box edge where the region starts");
        Assert.True(boxed.At<Vec3b>(55, 55).Item1 < 60, "the box interior should stay dark");
    }

    [Fact]
    public void A_tight_budget_lowers_quality_until_it_fits()
    {
        using var frame = TestFrames.SyntheticRgb(640, 480, SyntheticDefect.None, seed: 11);
        using var generous = new HeatmapThumbnail(480, 1024 * 1024, quality: 100);
        int full = generous.Render(frame, null, 0, 0, []).Length;
        int budget = Math.Max(4096, full / 3);
        Assert.True(full > budget, $"the quality-100 thumbnail ({full} bytes) must exceed the budget for this test to mean anything");

        using var tight = new HeatmapThumbnail(480, budget, quality: 100);
        byte[] jpeg = tight.Render(frame, null, 0, 0, []);

        Assert.InRange(jpeg.Length, 1, budget);
        using var image = Decode(jpeg);
        Assert.Equal(480, image.Width);
    }

    [Fact]
    public void An_impossible_budget_throws_with_advice()
    {
        // Pure noise at 2000 px wide cannot fit 4 KiB at any JPEG quality.
        var noise = new byte[2000 * 1500 * 3];
        new Random(1).NextBytes(noise);
        using var frame = TestFrames.FromBytes(2000, 1500, PixelFormat.Rgb8, noise);
        using var thumbnail = new HeatmapThumbnail(2000, 4096);

        var e = Assert.Throws<InvalidOperationException>(() => thumbnail.Render(frame, null, 0, 0, []));

        Assert.Contains("Thumbnail:Width", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_rejects_unusable_settings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapThumbnail(width: 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeatmapThumbnail(maxBytes: 1000));
    }
}
