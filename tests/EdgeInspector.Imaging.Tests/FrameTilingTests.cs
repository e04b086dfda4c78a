using EdgeInspector.Core;
using OpenCvSharp;
using Xunit.Abstractions;

namespace EdgeInspector.Imaging.Tests;

public sealed class FrameTilingTests(ITestOutputHelper output)
{
    private const int Model = 224;

    [Fact]
    public void Tiles_cut_the_region_row_by_row_in_equal_even_cornered_pieces()
    {
        var tiling = FrameTiling.Parse("3x2");

        var tiles = tiling.Tiles(new FrameRegion(10, 4, 4000, 2100), bayer: true);

        Assert.Equal(6, tiles.Count);
        Assert.Equal(new FrameRegion(10, 4, 1332, 1050), tiles[0]);
        Assert.Equal(new FrameRegion(10 + 1332, 4, 1332, 1050), tiles[1]);
        Assert.Equal(new FrameRegion(10, 4 + 1050, 1332, 1050), tiles[3]);
        Assert.All(tiles, t => Assert.True(t.X % 2 == 0 && t.Y % 2 == 0 && t.Width % 2 == 0 && t.Height % 2 == 0, t.ToString()));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0x2")]
    [InlineData("axb")]
    public void A_bad_tiling_is_refused(string value) => Assert.Throws<ArgumentException>(() => FrameTiling.Parse(value));

    [Fact]
    public void A_tiling_finer_than_the_model_input_is_refused_naming_the_fix()
    {
        using var frame = TestFrames.Solid(640, 480, PixelFormat.BayerRG8, 77);
        var batch = new byte[9 * Model * Model * 3];

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new FrameTiling(3, 3).Write(frame, FrameRegion.Empty, Model, Model, batch));

        Assert.Contains("3x3 tiles of a 640x480 region are 212x160 pixels", e.Message, StringComparison.Ordinal);
        Assert.Contains("Choose fewer tiles (Agent:Tiling)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_tile_of_the_batch_shows_its_own_part_of_the_frame()
    {
        // A dark frame with a bright top-right quadrant: only tile 1 of a 2x2 tiling is bright.
        var pixels = new byte[4096 * 2160];
        for (int y = 0; y < 1080; y++)
        {
            pixels.AsSpan((y * 4096) + 2048, 2048).Fill(200);
        }

        using var frame = TestFrames.FromBytes(4096, 2160, PixelFormat.Mono8, pixels);
        var tiling = new FrameTiling(2, 2);
        var batch = new byte[4 * Model * Model * 3];

        var covered = tiling.Write(frame, FrameRegion.Empty, Model, Model, batch);

        Assert.Equal(new FrameRegion(0, 0, 4096, 2160), covered);
        double[] means = [.. batch.Chunk(Model * Model * 3).Select(t => t.Average(b => (double)b))];
        Assert.Equal([0, 200, 0, 0], means);
    }

    [Fact]
    public void Stitched_maps_give_regions_in_frame_pixels_that_name_their_tile()
    {
        var tiling = new FrameTiling(2, 2);
        var maps = new float[4 * Model * Model];
        // A hot 6x4 blob at (100, 50) of tile 3 (bottom right).
        for (int y = 50; y < 54; y++)
        {
            maps.AsSpan((3 * Model * Model) + (y * Model) + 100, 6).Fill(0.9f);
        }

        var stitched = new float[4 * Model * Model];
        tiling.Stitch(maps, Model, Model, stitched);
        var covered = new FrameRegion(0, 0, 4096, 2160);
        using var finder = new DefectRegionFinder();

        var region = Assert.Single(finder.Find(stitched, 2 * Model, 2 * Model, new DecisionSettings { PixelThreshold = 0.5, MinRegionAreaPx = 1 }, covered));

        Assert.Equal((int)Math.Floor((Model + 100) * 4096.0 / (2 * Model)), region.X);
        Assert.Equal((int)Math.Floor((Model + 50) * 2160.0 / (2 * Model)), region.Y);
        Assert.Equal(3, tiling.TileOf(region, covered));
    }

    [Fact]
    public void A_two_pixel_scratch_keeps_twice_the_contrast_with_2x2_tiles()
    {
        using var part = SyntheticParts.Render(1024, 540, SyntheticDefect.None, seed: 5);
        using var clean = new Mat();
        Cv2.CvtColor(part, clean, ColorConversionCodes.BGR2RGB);
        Cv2.Resize(clean, clean, new Size(4096, 2160), 0, 0, InterpolationFlags.Linear);
        using var scratched = clean.Clone();
        Cv2.Line(scratched, new Point(700, 300), new Point(3300, 1900), new Scalar(30, 30, 30), thickness: 2, LineTypes.Link8);
        using var cleanFrame = TestFrames.FromBytes(4096, 2160, PixelFormat.BayerRG8, BayerMosaic.Sample(clean, PixelFormat.BayerRG8));
        using var scratchedFrame = TestFrames.FromBytes(4096, 2160, PixelFormat.BayerRG8, BayerMosaic.Sample(scratched, PixelFormat.BayerRG8));

        int untiled = ScratchContrast(new FrameTiling(1, 1), cleanFrame, scratchedFrame);
        int tiled = ScratchContrast(new FrameTiling(2, 2), cleanFrame, scratchedFrame);
        output.WriteLine($"scratch contrast in the 224 px input: untiled {untiled}, 2x2 tiles {tiled} grey levels");

        Assert.True(tiled >= 1.8 * untiled, $"scratch contrast: untiled {untiled}, 2x2 tiles {tiled} grey levels");
    }

    /// <summary>The largest grey-level change the scratch makes in the model input.</summary>
    private static int ScratchContrast(FrameTiling tiling, Frame clean, Frame scratched)
    {
        var a = new byte[tiling.Count * Model * Model * 3];
        var b = new byte[a.Length];
        tiling.Write(clean, FrameRegion.Empty, Model, Model, a);
        tiling.Write(scratched, FrameRegion.Empty, Model, Model, b);
        int max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a[i] - b[i]));
        }

        return max;
    }

    [Fact]
    public void Writing_a_tiled_batch_allocates_nothing_per_frame()
    {
        using var frame = TestFrames.Solid(4096, 2160, PixelFormat.BayerRG8, 77);
        var tiling = new FrameTiling(3, 2);
        var batch = new byte[6 * Model * Model * 3];
        var maps = new float[6 * Model * Model];
        var stitched = new float[maps.Length];
        tiling.Write(frame, FrameRegion.Empty, Model, Model, batch);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            tiling.Write(frame, FrameRegion.Empty, Model, Model, batch);
            tiling.Stitch(maps, Model, Model, stitched);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
