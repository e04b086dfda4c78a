using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>Per-image outcome of an evaluation run.</summary>
public sealed record ImageResult(DatasetImage Image, float Score);

/// <summary>Metrics of a model package on a dataset, scored through the serving path.</summary>
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
}

/// <summary>Runs every dataset image through <see cref="ServingPath"/> and computes the metrics.</summary>
public static class Evaluation
{
    public static EvaluationResult Run(ServingPath path, IReadOnlyList<DatasetImage> images)
    {
        int pixels = path.Width * path.Height;
        bool pixelMetrics = images.Any(i => i.MaskPath is not null);
        var results = new List<ImageResult>(images.Count);
        var pixelLabels = new List<bool[]>();
        var pixelScores = new List<float[]>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var image in images)
        {
            float score = path.Score(image.Path);
            results.Add(new ImageResult(image, score));
            if (pixelMetrics && (!image.IsAnomalous || image.MaskPath is not null))
            {
                pixelScores.Add([.. path.Runner.Map.AsSpan(0, pixels)]);
                pixelLabels.Add(image.MaskPath is null ? new bool[pixels] : ReadMask(image, path.Width, path.Height));
            }
        }

        double perImage = watch.Elapsed.TotalSeconds / images.Count;
        var labels = results.Select(r => r.Image.IsAnomalous).ToArray();
        var scores = results.Select(r => r.Score).ToArray();
        double? pixelAuroc = null;
        if (pixelLabels.Count > 0)
        {
            var allLabels = pixelLabels.SelectMany(l => l).ToArray();
            if (allLabels.Contains(true) && allLabels.Contains(false))
            {
                pixelAuroc = AnomalyMetrics.Auroc(allLabels, pixelScores.SelectMany(s => s).ToArray());
            }
        }

        return new EvaluationResult(
            results,
            AnomalyMetrics.Auroc(labels, scores),
            AnomalyMetrics.AveragePrecision(labels, scores),
            AnomalyMetrics.F1Max(labels, scores),
            pixelAuroc,
            images.Count(i => i.MaskPath is not null),
            perImage);
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
