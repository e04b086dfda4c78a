using EdgeInspector.Core;

namespace EdgeInspector.Imaging.Tests;

public sealed class DefectRegionFinderTests : IDisposable
{
    private const int MapW = 100;
    private const int MapH = 50;

    private readonly DefectRegionFinder _finder = new();

    public void Dispose() => _finder.Dispose();

    private static void Fill(float[] map, int x, int y, int w, int h, float value)
    {
        for (int row = y; row < y + h; row++)
        {
            for (int col = x; col < x + w; col++)
            {
                map[(row * MapW) + col] = value;
            }
        }
    }

    /// <summary>Blob A: 10x10 at (10,5), 0.9 with a 0.95 peak. Blob B: 5x4 at (60,30), 0.7. Background 0.1.</summary>
    private static float[] TwoBlobs()
    {
        var map = new float[MapW * MapH];
        Array.Fill(map, 0.1f);
        Fill(map, 10, 5, 10, 10, 0.9f);
        map[(9 * MapW) + 14] = 0.95f;
        Fill(map, 60, 30, 5, 4, 0.7f);
        return map;
    }

    [Fact]
    public void Two_blobs_become_two_regions_in_image_pixels_with_their_peaks()
    {
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 4 };

        var regions = _finder.Find(TwoBlobs(), MapW, MapH, decision, imageWidth: 400, imageHeight: 200);

        // The map is 4x smaller than the image in both directions; strongest region first.
        Assert.Equal(2, regions.Count);
        Assert.Equal(new DefectRegion(40, 20, 40, 40, 1600, 0.95), regions[0]);
        Assert.Equal(new DefectRegion(240, 120, 20, 16, 320, 0.7), regions[1]);
    }

    [Fact]
    public void Non_uniform_scale_is_applied_per_axis()
    {
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 4 };

        var regions = _finder.Find(TwoBlobs(), MapW, MapH, decision, imageWidth: 200, imageHeight: 150);

        // sx = 2, sy = 3.
        Assert.Equal(new DefectRegion(20, 15, 20, 30, 600, 0.95), regions[0]);
        Assert.Equal(new DefectRegion(120, 90, 10, 12, 120, 0.7), regions[1]);
    }

    [Fact]
    public void Regions_below_the_minimum_area_in_map_pixels_are_dropped()
    {
        // Blob B covers 20 map pixels, blob A 100.
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 21 };

        var regions = _finder.Find(TwoBlobs(), MapW, MapH, decision, 400, 200);

        var only = Assert.Single(regions);
        Assert.Equal(0.95, only.Score);
    }

    [Fact]
    public void A_region_exactly_at_the_minimum_area_is_kept()
    {
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 20 };

        Assert.Equal(2, _finder.Find(TwoBlobs(), MapW, MapH, decision, 400, 200).Count);
    }

    [Fact]
    public void Pixel_threshold_decides_membership()
    {
        // 0.8 keeps blob A (0.9) and drops blob B (0.7).
        var decision = new DecisionSettings { PixelThreshold = 0.8, MinRegionAreaPx = 1 };

        var regions = _finder.Find(TwoBlobs(), MapW, MapH, decision, MapW, MapH);

        var only = Assert.Single(regions);
        Assert.Equal(new DefectRegion(10, 5, 10, 10, 100, 0.95), only);
    }

    [Fact]
    public void A_map_below_the_threshold_has_no_regions()
    {
        var map = new float[MapW * MapH];
        Array.Fill(map, 0.49f);

        Assert.Empty(_finder.Find(map, MapW, MapH, new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 }, 400, 200));
    }

    [Fact]
    public void Diagonal_neighbours_form_one_region()
    {
        var map = new float[MapW * MapH];
        map[(10 * MapW) + 10] = 0.9f;
        map[(11 * MapW) + 11] = 0.8f;
        map[(12 * MapW) + 12] = 0.7f;

        var regions = _finder.Find(map, MapW, MapH, new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 }, MapW, MapH);

        Assert.Equal(new DefectRegion(10, 10, 3, 3, 3, 0.9), Assert.Single(regions));
    }

    [Fact]
    public void Regions_are_capped_keeping_the_strongest()
    {
        var map = new float[MapW * MapH];
        for (int i = 0; i < 10; i++)
        {
            // Ten separate 2x2 blobs, scores 0.55 .. 1.0.
            Fill(map, 2 + (i * 8), 20, 2, 2, 0.55f + (i * 0.05f));
        }

        var regions = _finder.Find(map, MapW, MapH, new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 }, MapW, MapH, maxRegions: 3);

        Assert.Equal(3, regions.Count);
        Assert.Equal([1.0, 0.95, 0.9], regions.Select(r => r.Score));
    }

    [Fact]
    public void The_finder_can_be_reused_across_maps()
    {
        var decision = new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 };
        Assert.Equal(2, _finder.Find(TwoBlobs(), MapW, MapH, decision, 400, 200).Count);

        var map = new float[MapW * MapH];
        Fill(map, 50, 10, 3, 3, 0.6f);
        var regions = _finder.Find(map, MapW, MapH, decision, MapW, MapH);

        Assert.Equal(new DefectRegion(50, 10, 3, 3, 9, 0.6), Assert.Single(regions));
    }

    [Fact]
    public void Many_regions_grow_the_peak_table()
    {
        // More components than the finder's initial 64-entry peak table.
        var map = new float[MapW * MapH];
        for (int y = 0; y < MapH; y += 4)
        {
            for (int x = 0; x < MapW; x += 4)
            {
                map[(y * MapW) + x] = 0.9f;
            }
        }

        var regions = _finder.Find(map, MapW, MapH, new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 }, MapW, MapH, maxRegions: 1000);

        Assert.Equal(25 * 13, regions.Count);
        Assert.All(regions, r => Assert.Equal(0.9, r.Score));
    }
}
