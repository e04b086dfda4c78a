using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>Per-image outcome of an evaluation run.</summary>
public sealed record ImageResult(DatasetImage Image, float Score);

/// <summary>
/// Metrics of a model package on a dataset, scored through the serving path. The top-level metrics pool
/// every image (one package, one threshold); <see cref="Categories"/> has one entry per category of an
/// MVTec-style root with several (empty for a single set).
/// </summary>
public sealed record EvaluationResult(
    IReadOnlyList<ImageResult> Images,
    double ImageAuroc,
    double ImageAp,
    F1Point F1,
    double? PixelAuroc,
    int MaskedImages,
    double SecondsPerImage)
{
    public int Good => Images.Count(i => !i.Image.IsAnomalous);

    public int Anomalous => Images.Count(i => i.Image.IsAnomalous);

    /// <summary>AU-PRO up to <see cref="AnomalyMetrics.AuproFprLimit"/> when masks exist.</summary>
    public double? Aupro { get; init; }

    public IReadOnlyList<CategoryResult> Categories { get; init; } = [];

    /// <summary>The unweighted mean over <see cref="Categories"/>, as MVTec AD results are reported; null for a single set.</summary>
    public CategoryMean? Mean => Categories.Count == 0 ? null : new CategoryMean(
        Categories.Average(c => c.ImageAuroc),
        Categories.Average(c => c.ImageAp),
        Categories.Average(c => c.F1.F1),
        MeanOf(Categories.Select(c => c.PixelAuroc)),
        MeanOf(Categories.Select(c => c.Aupro)));

    private static double? MeanOf(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : present.Average();
    }
}

/// <summary>The metrics of one category, scored like the whole set but on its images alone (its own F1 threshold).</summary>
public sealed record CategoryResult(string Name, int Good, int Anomalous, int MaskedImages, double ImageAuroc, double ImageAp, F1Point F1, double? PixelAuroc, double? Aupro);

/// <summary>Means over categories; the pixel metrics over the categories that have masks.</summary>
public sealed record CategoryMean(double ImageAuroc, double ImageAp, double F1Max, double? PixelAuroc, double? Aupro);

/// <summary>Runs every dataset image through <see cref="ServingPath"/> and computes the metrics.</summary>
public static class Evaluation
{
    public static EvaluationResult Run(ServingPath path, IReadOnlyList<DatasetImage> images)
    {
        int pixels = path.Width * path.Height;
        bool pixelMetrics = images.Any(i => i.MaskPath is not null);
        var results = new List<ImageResult>(images.Count);
        var pixelData = new List<(bool[] Mask, float[] Map)?>(images.Count);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var image in images)
        {
            float score = path.Score(image.Path);
            results.Add(new ImageResult(image, score));
            pixelData.Add(pixelMetrics && (!image.IsAnomalous || image.MaskPath is not null)
                ? (image.MaskPath is null ? new bool[pixels] : ReadMask(image, path.Width, path.Height), [.. path.Runner.Map.AsSpan(0, pixels)])
                : null);
        }

        double perImage = watch.Elapsed.TotalSeconds / images.Count;
        var all = Metrics(null, results, pixelData, path.Width, path.Height);
        var categories = images.Select(i => i.Category).OfType<string>().Distinct().Select(category =>
        {
            var members = Enumerable.Range(0, results.Count).Where(i => results[i].Image.Category == category).ToList();
            return Metrics(category, [.. members.Select(i => results[i])], [.. members.Select(i => pixelData[i])], path.Width, path.Height);
        });
        return new EvaluationResult(results, all.ImageAuroc, all.ImageAp, all.F1, all.PixelAuroc, all.MaskedImages, perImage)
        {
            Aupro = all.Aupro,
            Categories = [.. categories],
        };
    }

    /// <summary>Image metrics of <paramref name="results"/>; pixel AUROC and AU-PRO over the maps of good parts and masked defects.</summary>
    private static CategoryResult Metrics(string? name, IReadOnlyList<ImageResult> results, IReadOnlyList<(bool[] Mask, float[] Map)?> pixelData, int width, int height)
    {
        var labels = results.Select(r => r.Image.IsAnomalous).ToArray();
        var scores = results.Select(r => r.Score).ToArray();
        var maps = pixelData.OfType<(bool[] Mask, float[] Map)>().ToList();
        double? pixelAuroc = null;
        double? aupro = null;
        if (maps.Count > 0)
        {
            var allLabels = maps.SelectMany(m => m.Mask).ToArray();
            if (allLabels.Contains(true) && allLabels.Contains(false))
            {
                pixelAuroc = AnomalyMetrics.Auroc(allLabels, maps.SelectMany(m => m.Map).ToArray());
                aupro = AnomalyMetrics.Aupro([.. maps.Select(m => m.Mask)], [.. maps.Select(m => m.Map)], width, height);
            }
        }

        return new CategoryResult(
            name ?? "",
            labels.Count(l => !l),
            labels.Count(l => l),
            results.Count(r => r.Image.MaskPath is not null),
            AnomalyMetrics.Auroc(labels, scores),
            AnomalyMetrics.AveragePrecision(labels, scores),
            AnomalyMetrics.F1Max(labels, scores),
            pixelAuroc,
            aupro);
    }

    /// <summary>The mask at model-input size (nearest neighbour); it must match its image's size.</summary>
    public static bool[] ReadMask(DatasetImage image, int width, int height)
    {
        using var mask = Cv2.ImRead(image.MaskPath!, ImreadModes.Grayscale);
        if (mask.Empty())
        {
            throw new CliException($"mask '{image.MaskPath}' cannot be read as an image: redraw it as a PNG");
        }

        using var header = Cv2.ImRead(image.Path, ImreadModes.Unchanged);
        if (!header.Empty() && (header.Width != mask.Width || header.Height != mask.Height))
        {
            throw new CliException($"mask '{image.MaskPath}' is {mask.Width}x{mask.Height} but its image '{image.Path}' is {header.Width}x{header.Height}: a mask must match its image");
        }

        using var small = new Mat();
        Cv2.Resize(mask, small, new Size(width, height), 0, 0, InterpolationFlags.Nearest);
        var result = new bool[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                result[(y * width) + x] = small.At<byte>(y, x) > 127;
            }
        }

        return result;
    }
}
