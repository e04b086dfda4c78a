using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>eval through the serving path, on the texture baseline (no Python needed).</summary>
public sealed class EvalCommandTests : IClassFixture<EvalCommandTests.DemoSet>
{
    private readonly DemoSet _set;

    public EvalCommandTests(DemoSet set) => _set = set;

    /// <summary>24 synthetic parts in MVTec layout with masks, written once for the class.</summary>
    public sealed class DemoSet : IDisposable
    {
        public DemoSet() => DemoImages.Write(Temp.Path, 24, seed: 11, defectFraction: 0.4, mvtec: true);

        public TempDirectory Temp { get; } = new();

        public string Path => Temp.Path;

        public void Dispose() => Temp.Dispose();
    }

    [Fact]
    public void Demo_images_in_mvtec_layout_have_a_mask_for_every_defect()
    {
        var images = InspectionDataset.Scan(_set.Path);
        Assert.Equal(24, images.Count);
        Assert.Contains(images, i => !i.IsAnomalous);
        Assert.All(images.Where(i => i.IsAnomalous), i => Assert.NotNull(i.MaskPath));
        foreach (var image in images.Where(i => i.IsAnomalous))
        {
            var mask = Evaluation.ReadMask(image, 64, 48);
            Assert.Contains(true, mask);
        }
    }

    [Fact]
    public async Task Json_output_is_one_object_with_the_metrics()
    {
        var (code, stdout, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", _set.Path, "--json");

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        var json = JsonNode.Parse(lines[0])!.AsObject();
        foreach (string key in new[] { "image_auroc", "image_ap", "f1_max", "threshold", "pixel_auroc", "aupro", "n_good", "n_anomalous" })
        {
            Assert.True(json.ContainsKey(key), key);
        }

        var images = InspectionDataset.Scan(_set.Path);
        Assert.Equal(images.Count(i => !i.IsAnomalous), (int)json["n_good"]!);
        Assert.Equal(images.Count(i => i.IsAnomalous), (int)json["n_anomalous"]!);
        // The texture baseline separates the synthetic defects.
        Assert.True((double)json["image_auroc"]! >= 0.9, lines[0]);
        Assert.InRange((double)json["pixel_auroc"]!, 0.5, 1.0);
        Assert.InRange((double)json["aupro"]!, 0.0, 1.0);
        Assert.Equal(0.3, (double)json["aupro_fpr_limit"]!);
        Assert.False(json.ContainsKey("categories"));
    }

    [Fact]
    public async Task Write_threshold_stores_the_f1_threshold_and_keeps_the_package_valid()
    {
        using var temp = new TempDirectory();
        string package = temp.Combine("pkg");
        CliRun.CopyPackage(RepoPaths.TextureBaselinePackage, package);
        string report = temp.Combine("report");

        var (code, stdout, stderr) = await CliRun.RunAsync("eval", "--model", package, "--data", _set.Path, "--json", "--write-threshold", "--out", report);

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        var loaded = ModelPackage.Load(package);
        Assert.Equal((double)json["threshold"]!, loaded.Manifest.Decision.ImageThreshold, 12);
        Assert.Equal((double)json["image_auroc"]!, loaded.Manifest.Metrics["image_auroc"], 12);
        Assert.Empty(Directory.GetFiles(package, "*.tmp"));
        Assert.Empty(Directory.GetFiles(package, ".*.tmp"));
        Assert.Equal(Path.GetFullPath(report), (string)json["report"]!);
    }

    [Fact]
    public async Task Out_writes_the_curves_the_score_histogram_and_the_gallery_as_pictures()
    {
        using var temp = new TempDirectory();
        string report = temp.Combine("report");

        var (code, stdout, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", _set.Path, "--out", report);

        Assert.True(code == 0, stderr);
        string curves = Path.Combine(report, EvaluationReport.CurvesFile);
        string scores = Path.Combine(report, EvaluationReport.ScoresFile);
        string gallery = Path.Combine(report, EvaluationReport.GalleryFile);
        Assert.Contains($"wrote {curves}, {scores} and {gallery}", stdout, StringComparison.Ordinal);
        AssertDrawnPng(curves, ReportCharts.CurvesWidth, ReportCharts.CurvesHeight);
        AssertDrawnPng(scores, ReportCharts.ScoresWidth, ReportCharts.ScoresHeight);
        AssertDrawnPng(gallery, 6 * 192, null);
    }

    /// <summary>A PNG (by its signature and by decoding) of the given size, with something drawn on it: not one flat colour.</summary>
    private static void AssertDrawnPng(string file, int width, int? height)
    {
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(file)[..4]);
        using var image = OpenCvSharp.Cv2.ImRead(file, OpenCvSharp.ImreadModes.Grayscale);
        Assert.Equal(width, image.Width);
        if (height is { } h)
        {
            Assert.Equal(h, image.Height);
        }

        image.MinMaxLoc(out double darkest, out double brightest);
        Assert.True(brightest - darkest > 100, $"{file} is nearly flat ({darkest}..{brightest})");
        OpenCvSharp.Cv2.MeanStdDev(image, out _, out var spread);
        Assert.True(spread.Val0 > 5, $"{file} is nearly blank (std {spread.Val0:F1})");
    }

    [Fact]
    public async Task Text_output_names_each_metric()
    {
        var (code, stdout, _) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", _set.Path);

        Assert.Equal(0, code);
        Assert.Contains("image AUROC", stdout, StringComparison.Ordinal);
        Assert.Contains("F1-max", stdout, StringComparison.Ordinal);
        Assert.Contains("pixel AUROC  0.", stdout, StringComparison.Ordinal);
        Assert.Matches(@"AUPRO        [01]\.\d{4} \(per-region overlap to 30 % FPR", stdout);
        Assert.DoesNotContain("category", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_categories_get_a_row_each_and_their_mean()
    {
        using var temp = new TempDirectory();
        CopyTree(_set.Path, temp.Combine("metal"));
        DemoImages.Write(temp.Combine("plastic"), 16, seed: 12, defectFraction: 0.5, mvtec: true, Imaging.SyntheticSurface.MouldedPlastic);
        Directory.CreateDirectory(temp.Combine("metal", "train", "good")); // MVTec's train folders are not test data

        var (code, stdout, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path, "--json");

        Assert.True(code == 0, stderr);
        var json = JsonNode.Parse(stdout)!.AsObject();
        var categories = json["categories"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.Equal(["metal", "plastic"], categories.Select(c => (string)c["name"]!));
        Assert.Equal((int)json["n_good"]!, categories.Sum(c => (int)c["n_good"]!));
        Assert.Equal((int)json["n_anomalous"]!, categories.Sum(c => (int)c["n_anomalous"]!));
        foreach (string key in new[] { "image_auroc", "image_ap", "f1_max", "pixel_auroc", "aupro" })
        {
            Assert.Equal(categories.Average(c => (double)c[key]!), (double)json["category_mean"]![key]!, 12);
        }

        // A category's row is what eval reports for that category alone.
        var alone = JsonNode.Parse((await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", _set.Path, "--json")).Out)!.AsObject();
        foreach (string key in new[] { "image_auroc", "image_ap", "f1_max", "threshold", "pixel_auroc", "aupro", "n_good", "n_anomalous" })
        {
            Assert.Equal((double)alone[key]!, (double)categories[0][key]!, 12);
        }

        var text = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path);
        Assert.Matches(@"\ncategory +good +anom +img AUROC +img AP +F1-max +pix AUROC +AUPRO", text.Out);
        Assert.Matches(@"\nmetal +\d+ +\d+ +[01]\.\d{4}", text.Out);
        Assert.Matches(@"\nplastic +\d+ +\d+ +[01]\.\d{4}", text.Out);
        Assert.Matches(@"\nmean +[01]\.\d{4} +[01]\.\d{4}", text.Out);
    }

    [Fact]
    public async Task A_folder_that_is_not_a_category_is_named()
    {
        using var temp = new TempDirectory();
        CopyTree(_set.Path, temp.Combine("metal"));
        Directory.CreateDirectory(temp.Combine("notes"));

        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("'notes' has no 'test' folder", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Class_folders_directly_under_the_dataset_are_accepted_without_masks()
    {
        using var temp = new TempDirectory();
        CopyKind("good", temp.Combine("good"));
        CopyKind("crack", temp.Combine("crack"));
        CopyKind("scratch", temp.Combine("scratch"));

        var (code, stdout, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path, "--json");

        Assert.True(code == 0, stderr);
        Assert.False(JsonNode.Parse(stdout)!.AsObject().ContainsKey("pixel_auroc"));
    }

    [Fact]
    public async Task A_dataset_without_good_images_is_refused()
    {
        using var temp = new TempDirectory();
        CopyKind("crack", temp.Combine("test", "crack"));

        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("no good images", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dataset_without_anomalous_images_is_refused()
    {
        using var temp = new TempDirectory();
        CopyKind("good", temp.Combine("test", "good"));

        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path);

        Assert.Equal(2, code);
        Assert.Contains("no anomalous images", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_image_is_named()
    {
        using var temp = new TempDirectory();
        CopyKind("good", temp.Combine("test", "good"));
        CopyKind("crack", temp.Combine("test", "crack"));
        string broken = temp.Combine("test", "crack", "broken.png");
        File.WriteAllText(broken, "not an image");

        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", temp.Path);

        Assert.Equal(2, code);
        Assert.Contains(broken, stderr, StringComparison.Ordinal);
        Assert.Contains("cannot be read as an image", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_exit_2_with_one_line()
    {
        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage);
        Assert.Equal(2, code);
        Assert.Contains("--data is required", stderr, StringComparison.Ordinal);
        Assert.Equal(2, (await CliRun.RunAsync("eval", "--bogus")).Code);
        Assert.Equal(2, (await CliRun.RunAsync("frobnicate")).Code);
        Assert.Equal(0, (await CliRun.RunAsync("help")).Code);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private void CopyKind(string kind, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(Path.Combine(_set.Path, "test", kind)))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
