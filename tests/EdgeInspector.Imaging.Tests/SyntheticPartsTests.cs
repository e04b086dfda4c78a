using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Imaging.Tests;

public sealed class SyntheticPartsTests
{
    private static int DifferingPixels(Mat a, Mat b)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        using var grey = new Mat();
        Cv2.CvtColor(diff, grey, ColorConversionCodes.BGR2GRAY);
        return Cv2.CountNonZero(grey);
    }

    [Fact]
    public void Render_is_deterministic_for_a_seed()
    {
        using var a = SyntheticParts.Render(160, 120, SyntheticDefect.Crack, seed: 42);
        using var b = SyntheticParts.Render(160, 120, SyntheticDefect.Crack, seed: 42);

        Assert.Equal(160, a.Width);
        Assert.Equal(120, a.Height);
        Assert.Equal(MatType.CV_8UC3, a.Type());
        Assert.Equal(TestFrames.Bytes(a), TestFrames.Bytes(b));
    }

    [Fact]
    public void Different_seeds_give_different_surfaces()
    {
        using var a = SyntheticParts.Render(160, 120, SyntheticDefect.None, seed: 1);
        using var b = SyntheticParts.Render(160, 120, SyntheticDefect.None, seed: 2);

        Assert.True(DifferingPixels(a, b) > 160 * 120 / 2);
    }

    [Theory]
    [InlineData(SyntheticDefect.Scratch)]
    [InlineData(SyntheticDefect.Contamination)]
    [InlineData(SyntheticDefect.Crack)]
    public void A_defect_changes_a_local_patch_of_the_same_surface(SyntheticDefect defect)
    {
        using var good = SyntheticParts.Render(320, 240, SyntheticDefect.None, seed: 5);
        using var bad = SyntheticParts.Render(320, 240, defect, seed: 5);

        int changed = DifferingPixels(good, bad);

        Assert.InRange(changed, 20, 320 * 240 / 10);
    }

    [Fact]
    public void The_good_surface_is_mid_grey_without_saturation()
    {
        using var good = SyntheticParts.Render(320, 240, SyntheticDefect.None, seed: 9);
        var mean = Cv2.Mean(good);

        Assert.InRange(mean.Val0, 120, 190);
        Assert.InRange(mean.Val1, 120, 190);
        Assert.InRange(mean.Val2, 120, 190);
    }

    [Fact]
    public void WriteSet_names_files_by_defect_and_the_files_match()
    {
        using var temp = new TempDirectory();
        string dir = temp.Combine("set");

        var set = SyntheticParts.WriteSet(dir, count: 24, seed: 7, width: 64, height: 48, defectFraction: 0.5);

        Assert.Equal(24, set.Count);
        Assert.Contains(set, s => s.Defect == SyntheticDefect.None);
        Assert.Contains(set, s => s.Defect != SyntheticDefect.None);
        for (int i = 0; i < set.Count; i++)
        {
            var (path, defect) = set[i];
            string expectedSuffix = defect switch
            {
                SyntheticDefect.None => "good",
                SyntheticDefect.Scratch => "scratch",
                SyntheticDefect.Contamination => "contamination",
                SyntheticDefect.Crack => "crack",
                _ => throw new InvalidOperationException(),
            };
            Assert.Equal(Path.Combine(dir, $"{i:D4}_{expectedSuffix}.png"), path);
            using var image = Cv2.ImRead(path);
            Assert.Equal(64, image.Width);
            Assert.Equal(48, image.Height);
        }

        Assert.Equal(24, Directory.GetFiles(dir, "*.png").Length);
    }

    [Fact]
    public void WriteSet_is_reproducible_for_a_seed()
    {
        using var temp = new TempDirectory();

        var first = SyntheticParts.WriteSet(temp.Combine("a"), 10, seed: 3, width: 48, height: 32);
        var second = SyntheticParts.WriteSet(temp.Combine("b"), 10, seed: 3, width: 48, height: 32);

        Assert.Equal(first.Select(s => (Path.GetFileName(s.Path), s.Defect)), second.Select(s => (Path.GetFileName(s.Path), s.Defect)));
        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(first[i].Path), File.ReadAllBytes(second[i].Path));
        }
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(1.0, true)]
    public void Defect_fraction_bounds_give_all_good_or_all_defective(double fraction, bool defective)
    {
        using var temp = new TempDirectory();

        var set = SyntheticParts.WriteSet(temp.Path, 8, seed: 1, width: 32, height: 32, defectFraction: fraction);

        Assert.All(set, s => Assert.Equal(defective, s.Defect != SyntheticDefect.None));
    }

    public static TheoryData<SyntheticSurface> NewSurfaces() =>
        [SyntheticSurface.CastMetal, SyntheticSurface.WovenFabric, SyntheticSurface.MouldedPlastic];

    [Theory]
    [MemberData(nameof(NewSurfaces))]
    public void Every_surface_is_deterministic_for_a_seed(SyntheticSurface surface)
    {
        using var a = SyntheticParts.Render(160, 120, SyntheticDefect.Scratch, seed: 42, surface);
        using var b = SyntheticParts.Render(160, 120, SyntheticDefect.Scratch, seed: 42, surface);
        using var other = SyntheticParts.Render(160, 120, SyntheticDefect.Scratch, seed: 43, surface);

        Assert.Equal(MatType.CV_8UC3, a.Type());
        Assert.Equal(TestFrames.Bytes(a), TestFrames.Bytes(b));
        Assert.True(DifferingPixels(a, other) > 160 * 120 / 2);
    }

    [Fact]
    public void Surfaces_differ_from_each_other_for_the_same_seed()
    {
        var images = Enum.GetValues<SyntheticSurface>().Select(s => SyntheticParts.Render(160, 120, SyntheticDefect.None, seed: 3, s)).ToList();
        try
        {
            for (int i = 0; i < images.Count; i++)
            {
                for (int j = i + 1; j < images.Count; j++)
                {
                    Assert.True(DifferingPixels(images[i], images[j]) > 160 * 120 * 9 / 10, $"surfaces {i} and {j}");
                }
            }
        }
        finally
        {
            images.ForEach(m => m.Dispose());
        }
    }

    [Theory]
    [MemberData(nameof(NewSurfaces))]
    public void A_good_surface_is_unsaturated(SyntheticSurface surface)
    {
        using var good = SyntheticParts.Render(320, 240, SyntheticDefect.None, seed: 9, surface);
        using var grey = new Mat();
        Cv2.CvtColor(good, grey, ColorConversionCodes.BGR2GRAY);
        using var extreme = new Mat();
        Cv2.InRange(grey, new Scalar(1), new Scalar(254), extreme);

        Assert.InRange(Cv2.Mean(grey).Val0, 60, 200);
        Assert.True(Cv2.CountNonZero(extreme) > 320 * 240 * 99 / 100);
    }

    [Theory]
    [InlineData(SyntheticSurface.CastMetal, SyntheticDefect.Scratch)]
    [InlineData(SyntheticSurface.CastMetal, SyntheticDefect.Contamination)]
    [InlineData(SyntheticSurface.CastMetal, SyntheticDefect.Crack)]
    [InlineData(SyntheticSurface.WovenFabric, SyntheticDefect.Scratch)]
    [InlineData(SyntheticSurface.WovenFabric, SyntheticDefect.Contamination)]
    [InlineData(SyntheticSurface.WovenFabric, SyntheticDefect.Crack)]
    [InlineData(SyntheticSurface.MouldedPlastic, SyntheticDefect.Scratch)]
    [InlineData(SyntheticSurface.MouldedPlastic, SyntheticDefect.Contamination)]
    [InlineData(SyntheticSurface.MouldedPlastic, SyntheticDefect.Crack)]
    public void A_defect_on_any_surface_is_local_and_small(SyntheticSurface surface, SyntheticDefect defect)
    {
        using var good = SyntheticParts.Render(640, 480, SyntheticDefect.None, seed: 5, surface);
        using var bad = SyntheticParts.Render(640, 480, defect, seed: 5, surface);

        Assert.InRange(DifferingPixels(good, bad), 20, 640 * 480 / 50);
    }

    [Fact]
    public void Surface_names_round_trip_and_unknown_names_are_refused()
    {
        Assert.Equal(["brushed-metal", "cast-metal", "woven-fabric", "moulded-plastic"], SyntheticSurfaces.Names);
        foreach (var surface in Enum.GetValues<SyntheticSurface>())
        {
            Assert.True(SyntheticSurfaces.TryParse(SyntheticSurfaces.Name(surface), out var parsed));
            Assert.Equal(surface, parsed);
        }

        Assert.False(SyntheticSurfaces.TryParse("wood", out _));
    }

    [Fact]
    public void WriteSet_renders_the_chosen_surface()
    {
        using var temp = new TempDirectory();

        var set = SyntheticParts.WriteSet(temp.Path, 2, seed: 4, width: 64, height: 48, defectFraction: 0, surface: SyntheticSurface.WovenFabric);

        // WriteSet's sequence for a good part: the defect draw, then the part's render seed.
        var random = new Random(4);
        random.NextDouble();
        using var rendered = SyntheticParts.Render(64, 48, SyntheticDefect.None, random.Next(), SyntheticSurface.WovenFabric);
        using var written = Cv2.ImRead(set[0].Path);
        Assert.Equal(TestFrames.Bytes(rendered), TestFrames.Bytes(written));
    }
}
