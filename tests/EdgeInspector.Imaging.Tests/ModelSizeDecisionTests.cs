using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging.Tests;

/// <summary>
/// Regions and the thumbnail of a full-resolution frame come from the model-size image and the
/// map alone, mapped back to the frame's pixels through the region of interest.
/// </summary>
public sealed class ModelSizeDecisionTests : IDisposable
{
    private static readonly FrameRegion Roi = new(16, 8, 4000, 2100);
    private readonly DefectRegionFinder _finder = new();
    private readonly HeatmapThumbnail _thumbnail = new(320);

    public void Dispose()
    {
        _finder.Dispose();
        _thumbnail.Dispose();
    }

    /// <summary>A 224 px map, 0.1 everywhere but a 0.9 blob of 8x4 map pixels at (112, 56).</summary>
    private static float[] BlobMap()
    {
        var map = new float[224 * 224];
        Array.Fill(map, 0.1f);
        for (int y = 56; y < 60; y++)
        {
            for (int x = 112; x < 120; x++)
            {
                map[(y * 224) + x] = 0.9f;
            }
        }

        return map;
    }

    private static byte[] ModelImage(out FrameRegion area)
    {
        using var frame = TestFrames.Solid(4096, 2160, PixelFormat.BayerRG8, 120);
        using var writer = new ModelInputWriter { Region = Roi };
        var input = new byte[224 * 224 * 3];
        area = writer.Write(frame, 224, 224, "area", input);
        return input;
    }

    [Fact]
    public void Regions_land_in_full_resolution_frame_pixels_through_the_roi()
    {
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 };

        var region = Assert.Single(_finder.Find(BlobMap(), 224, 224, decision, Roi));

        double sx = 4000 / 224.0, sy = 2100 / 224.0;
        Assert.Equal(16 + (int)Math.Floor(112 * sx), region.X);
        Assert.Equal(8 + (int)Math.Floor(56 * sy), region.Y);
        Assert.Equal((int)Math.Ceiling(8 * sx), region.W);
        Assert.Equal((int)Math.Ceiling(4 * sy), region.H);
    }

    [Fact]
    public void The_thumbnail_keeps_the_roi_aspect_and_boxes_the_region_where_it_lies()
    {
        var image = ModelImage(out var area);
        Assert.Equal(Roi, area);
        var map = BlobMap();
        var regions = _finder.Find(map, 224, 224, new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 }, area);

        using var plain = Cv2.ImDecode(_thumbnail.Render(image, 224, 224, area, null, []), ImreadModes.Color);
        using var boxed = Cv2.ImDecode(_thumbnail.Render(image, 224, 224, area, null, regions), ImreadModes.Color);

        Assert.Equal(320, boxed.Width);
        Assert.Equal((int)Math.Round(2100 * 320 / 4000.0), boxed.Height);
        // The box's top-left corner: the blob's place in the ROI, at thumbnail scale (x 160, y 42).
        var corner = boxed.At<Vec3b>(42, 160);
        Assert.True(corner.Item0 > 200 && corner.Item1 > 200 && corner.Item2 > 200, $"box corner is {corner}");
        Assert.True(plain.At<Vec3b>(42, 160).Item0 < 180, "the plain thumbnail is grey there");
    }

    [Fact]
    public void Deciding_a_full_resolution_part_makes_no_large_allocation()
    {
        var image = ModelImage(out var area);
        var map = BlobMap();
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 };
        _thumbnail.Render(image, 224, 224, area, map, _finder.Find(map, 224, 224, decision, area));

        long before = GC.GetAllocatedBytesForCurrentThread();
        const int parts = 10;
        for (int i = 0; i < parts; i++)
        {
            _thumbnail.Render(image, 224, 224, area, map, _finder.Find(map, 224, 224, decision, area));
        }

        // What is left is the JPEG itself and a region list: far below the 85 kB large-object threshold.
        long perPart = (GC.GetAllocatedBytesForCurrentThread() - before) / parts;
        Assert.InRange(perPart, 0, 64 * 1024);
    }
}
