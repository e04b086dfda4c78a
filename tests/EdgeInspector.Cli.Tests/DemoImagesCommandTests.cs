using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Cli.Tests;

/// <summary>demo-images --surface: the texture benchmark's sets.</summary>
public sealed class DemoImagesCommandTests
{
    [Fact]
    public async Task Surface_flag_writes_that_surface_in_mvtec_layout_with_masks_over_the_defects()
    {
        using var temp = new TempDirectory();

        var (code, stdout, stderr) = await CliRun.RunAsync("demo-images", "--out", temp.Path, "--count", "12", "--seed", "5", "--defect-fraction", "0.5", "--mvtec", "--surface", "cast-metal");

        Assert.True(code == 0, stderr);
        Assert.Contains("wrote 12 images", stdout);
        var images = InspectionDataset.Scan(temp.Path);
        Assert.Equal(12, images.Count);
        Assert.Contains(images, i => i.IsAnomalous);
        foreach (var image in images.Where(i => i.IsAnomalous))
        {
            Assert.NotNull(image.MaskPath);
            using var mask = Cv2.ImRead(image.MaskPath, ImreadModes.Grayscale);
            int masked = Cv2.CountNonZero(mask);
            Assert.InRange(masked, 10, mask.Width * mask.Height / 50);
        }
    }

    [Fact]
    public void Masks_cover_every_strongly_changed_pixel()
    {
        using var temp = new TempDirectory();
        var written = DemoImages.Write(temp.Path, 6, seed: 8, defectFraction: 1, mvtec: true, SyntheticSurface.MouldedPlastic);
        var sequence = new Random(8); // WriteSet's: each part's defect draw, kind and render seed

        foreach (var (path, defect) in written)
        {
            sequence.NextDouble();
            Assert.Equal(defect, (SyntheticDefect)(1 + sequence.Next(3)));
            using var clean = SyntheticParts.Render(640, 480, SyntheticDefect.None, sequence.Next(), SyntheticSurface.MouldedPlastic);
            using var image = Cv2.ImRead(path);
            string kind = defect.ToString().ToLowerInvariant();
            using var mask = Cv2.ImRead(Path.Combine(temp.Path, "ground_truth", kind, Path.GetFileNameWithoutExtension(path) + "_mask.png"), ImreadModes.Grayscale);
            using var diff = new Mat();
            Cv2.Absdiff(image, clean, diff);
            using var grey = new Mat();
            Cv2.CvtColor(diff, grey, ColorConversionCodes.BGR2GRAY);
            using var strong = new Mat();
            Cv2.Threshold(grey, strong, 20, 255, ThresholdTypes.Binary);
            using var missed = new Mat();
            Cv2.Subtract(strong, mask, missed);

            Assert.True(Cv2.CountNonZero(strong) > 0, path);
            Assert.Equal(0, Cv2.CountNonZero(missed));
        }
    }

    [Fact]
    public async Task Unknown_surface_is_refused_with_the_valid_names()
    {
        using var temp = new TempDirectory();

        var (code, _, stderr) = await CliRun.RunAsync("demo-images", "--out", temp.Path, "--surface", "wood");

        Assert.Equal(2, code);
        Assert.Contains("unknown --surface 'wood' (surfaces: brushed-metal, cast-metal, woven-fabric, moulded-plastic)", stderr);
        Assert.Empty(Directory.GetFiles(temp.Path, "*.png", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Without_the_flag_the_surface_is_brushed_metal()
    {
        using var temp = new TempDirectory();

        await CliRun.RunAsync("demo-images", "--out", temp.Combine("default"), "--count", "2", "--seed", "3");
        await CliRun.RunAsync("demo-images", "--out", temp.Combine("named"), "--count", "2", "--seed", "3", "--surface", "brushed-metal");

        foreach (string file in Directory.GetFiles(temp.Combine("default")))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(temp.Combine("named"), Path.GetFileName(file))));
        }
    }
}
