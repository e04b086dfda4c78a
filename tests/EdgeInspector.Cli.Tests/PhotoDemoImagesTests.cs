using EdgeInspector.Imaging;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Cli.Tests;

/// <summary>demo-images --photo: benchmark parts cut from real photographs (Debian's python3-skimage data).</summary>
public sealed class PhotoDemoImagesTests
{
    [Fact]
    public async Task The_same_seed_writes_the_same_files_and_another_seed_other_ones()
    {
        using var temp = new TempDirectory();

        foreach (string run in new[] { "a", "b" })
        {
            var (code, stdout, stderr) = await CliRun.RunAsync("demo-images", "--photo", "gravel", "--out", temp.Combine(run), "--count", "6", "--seed", "4", "--defect-fraction", "0.5", "--mvtec");
            Assert.True(code == 0, stderr);
            Assert.Contains("wrote 6 images", stdout, StringComparison.Ordinal);
            Assert.Contains("test side (right 40 %) of gravel.png", stdout, StringComparison.Ordinal);
        }

        await CliRun.RunAsync("demo-images", "--photo", "gravel", "--out", temp.Combine("c"), "--count", "6", "--seed", "5", "--defect-fraction", "0.5", "--mvtec");

        var files = Directory.GetFiles(temp.Combine("a"), "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp.Combine("a"), f)).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(temp.Combine("b"), "*.png", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(temp.Combine("b"), f)).Order());
        Assert.Contains(files, f => f.StartsWith("ground_truth", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(temp.Combine("a"), f)), File.ReadAllBytes(Path.Combine(temp.Combine("b"), f))));
        var common = files.Where(f => File.Exists(Path.Combine(temp.Combine("c"), f))).ToList();
        Assert.NotEmpty(common);
        Assert.All(common, f => Assert.NotEqual(File.ReadAllBytes(Path.Combine(temp.Combine("a"), f)), File.ReadAllBytes(Path.Combine(temp.Combine("c"), f))));
    }

    [Theory]
    [InlineData("brick")]
    [InlineData("grass")]
    [InlineData("gravel")]
    public void Masks_cover_every_strongly_changed_pixel_and_little_else(string name)
    {
        using var photo = PhotoParts.Load(name);
        foreach (var defect in new[] { SyntheticDefect.Scratch, SyntheticDefect.Contamination, SyntheticDefect.Crack })
        {
            for (int seed = 0; seed < 4; seed++)
            {
                using var clean = PhotoParts.Render(photo, PhotoSplit.Test, SyntheticDefect.None, seed);
                using var part = PhotoParts.Render(photo, PhotoSplit.Test, defect, seed);
                using var diff = new Mat();
                Cv2.Absdiff(part.Image, clean.Image, diff);
                using var grey = new Mat();
                Cv2.CvtColor(diff, grey, ColorConversionCodes.BGR2GRAY);
                using var strong = new Mat();
                Cv2.Threshold(grey, strong, 20, 255, ThresholdTypes.Binary);
                using var missed = new Mat();
                Cv2.Subtract(strong, part.Mask, missed);

                string at = $"{name} {defect} seed {seed}";
                Assert.Equal(clean.Crop, part.Crop);
                Assert.Equal(0, Cv2.CountNonZero(clean.Mask));
                Assert.True(Cv2.CountNonZero(strong) > 0, at);
                Assert.True(Cv2.CountNonZero(missed) == 0, at);
                Assert.InRange(Cv2.CountNonZero(part.Mask), 30, PhotoParts.PartSize * PhotoParts.PartSize / 50);
            }
        }
    }

    [Fact]
    public void Training_crops_and_test_crops_never_overlap()
    {
        using var photo = PhotoParts.Load("brick");
        int boundary = (int)(PhotoParts.TrainFraction * photo.Width);
        var train = Enumerable.Range(0, 200).Select(s => Crop(photo, PhotoSplit.Train, s)).ToList();
        var test = Enumerable.Range(0, 200).Select(s => Crop(photo, PhotoSplit.Test, s)).ToList();

        Assert.All(train, c => Assert.True(c.Right <= boundary, c.ToString()));
        Assert.All(test, c => Assert.True(c.Left >= boundary && c.Right <= photo.Width, c.ToString()));
        Assert.All(train.Concat(test), c => Assert.Equal((int)(PhotoParts.CropFraction * 512), c.Width));
        // The crops move over the whole strip, not one spot.
        Assert.True(test.Select(c => c.Left).Distinct().Count() > 20);
        Assert.True(train.Select(c => c.Top).Distinct().Count() > 100);
    }

    [Fact]
    public async Task Parts_of_each_split_show_only_their_side_of_the_photograph()
    {
        // A "photograph" whose left 60 % is dark and right 40 % bright: each split shows one level only
        // (within the brightness jitter), away from the defects' masks.
        using var temp = new TempDirectory();
        using (var photo = new Mat(400, 500, MatType.CV_8UC1, Scalar.All(40)))
        {
            photo[new Rect(300, 0, 200, 400)].SetTo(Scalar.All(200));
            Cv2.ImWrite(temp.Combine("grass.png"), photo);
        }

        var (code, _, stderr) = await CliRun.RunAsync("demo-images", "--photo", "grass", "--photo-dir", temp.Path, "--out", temp.Combine("train"), "--count", "10", "--defect-fraction", "0");
        Assert.True(code == 0, stderr);
        (code, _, stderr) = await CliRun.RunAsync("demo-images", "--photo", "grass", "--photo-dir", temp.Path, "--out", temp.Combine("test"), "--count", "10", "--defect-fraction", "0.5", "--mvtec");
        Assert.True(code == 0, stderr);

        foreach (string file in Directory.GetFiles(temp.Combine("train")))
        {
            AssertLevels(file, null, 38, 42);
        }

        foreach (var image in InspectionDataset.Scan(temp.Combine("test")))
        {
            AssertLevels(image.Path, image.MaskPath, 190, 210);
        }
    }

    [Fact]
    public async Task An_unknown_photo_is_refused_with_the_valid_names()
    {
        using var temp = new TempDirectory();

        var (code, _, stderr) = await CliRun.RunAsync("demo-images", "--out", temp.Path, "--photo", "wood");

        Assert.Equal(2, code);
        Assert.Contains("unknown --photo 'wood' (photos: brick, grass, gravel)", stderr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.png", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_missing_photograph_names_the_file_and_where_it_comes_from()
    {
        using var temp = new TempDirectory();

        var (code, _, stderr) = await CliRun.RunAsync("demo-images", "--out", temp.Combine("out"), "--photo", "brick", "--photo-dir", temp.Path);

        Assert.Equal(2, code);
        Assert.Contains($"photo '{temp.Combine("brick.png")}' does not exist", stderr, StringComparison.Ordinal);
        Assert.Contains("python3-skimage", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("out")));
        var e = Assert.Throws<ArgumentException>(() => PhotoParts.Load("wood"));
        Assert.Contains("brick, grass, gravel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Photo_options_are_checked()
    {
        using var temp = new TempDirectory();

        Assert.Contains("not both", (await CliRun.RunAsync("demo-images", "--out", temp.Path, "--photo", "brick", "--surface", "cast-metal")).Err, StringComparison.Ordinal);
        Assert.Contains("--photo-dir needs --photo NAME", (await CliRun.RunAsync("demo-images", "--out", temp.Path, "--photo-dir", temp.Path)).Err, StringComparison.Ordinal);
        Assert.Contains("train or test", (await CliRun.RunAsync("demo-images", "--out", temp.Path, "--photo", "brick", "--photo-split", "left")).Err, StringComparison.Ordinal);
    }

    [Fact]
    public void Surface_parts_are_the_agents_synthetic_parts()
    {
        using var temp = new TempDirectory();
        var ours = DemoImages.Write(temp.Combine("demo"), 4, seed: 9, defectFraction: 0.5, mvtec: false, SyntheticSurface.CastMetal);
        var agents = SyntheticParts.WriteSet(temp.Combine("agent"), 4, seed: 9, defectFraction: 0.5, surface: SyntheticSurface.CastMetal);

        Assert.Equal(agents.Select(a => (Path.GetFileName(a.Path), a.Defect)), ours.Select(o => (Path.GetFileName(o.Path), o.Defect)));
        Assert.All(ours.Zip(agents), p => Assert.Equal(File.ReadAllBytes(p.Second.Path), File.ReadAllBytes(p.First.Path)));
    }

    private static Rect Crop(Mat photo, PhotoSplit split, int seed)
    {
        using var part = PhotoParts.Render(photo, split, SyntheticDefect.None, seed);
        return part.Crop;
    }

    private static void AssertLevels(string file, string? maskPath, int min, int max)
    {
        using var image = Cv2.ImRead(file, ImreadModes.Grayscale);
        using var mask = maskPath is null ? new Mat(image.Size(), MatType.CV_8UC1, Scalar.All(0)) : Cv2.ImRead(maskPath, ImreadModes.Grayscale);
        using var rim = new Mat();
        Cv2.Dilate(mask, rim, Cv2.GetStructuringElement(MorphShapes.Rect, new Size(5, 5)));
        using var outside = new Mat();
        Cv2.BitwiseNot(rim, outside);
        Cv2.MinMaxLoc(image, out double low, out double high, out _, out _, outside);
        Assert.True(low >= min && high <= max, $"{file}: levels {low}-{high}, expected {min}-{max}");
    }
}
