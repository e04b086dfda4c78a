using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Inference;

namespace EdgeInspector.Cli;

/// <summary>What enroll did.</summary>
public sealed record EnrollResult(string Package, int Version, int GoodImages, int BankRows, int BankWidth, double ImageThreshold, double PixelThreshold, double ScoreScale, double Seconds);

/// <summary>
/// Few-shot enrollment without Python: patch features of the good images from features.onnx,
/// a greedy coreset as the new memory bank written into model.onnx's <c>memory_bank</c>
/// initializer (and model.int8.onnx's), thresholds from a leave-some-out split of the good
/// images, and a new package with version + 1 and every file hashed.
/// </summary>
public static class Enrollment
{
    public const string BankName = "memory_bank";

    public static EnrollResult Run(string packageDirectory, string goodDirectory, string outDirectory, int maxBank = 4096, Action<string>? log = null)
    {
        log ??= _ => { };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        string output = Path.GetFullPath(outDirectory);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new CliException($"output folder '{output}' is not empty: enroll writes a new package into an empty or new folder");
        }

        ModelPackage source;
        try
        {
            source = ModelPackage.Load(packageDirectory);
        }
        catch (ModelPackageException e)
        {
            throw new CliException(e.Message, e);
        }

        byte[] model = File.ReadAllBytes(source.ModelPath);
        FloatTensor oldBank;
        try
        {
            oldBank = OnnxInitializers.Read(model, BankName);
        }
        catch (InvalidDataException e)
        {
            throw new CliException($"'{source.ModelPath}' cannot be enrolled: {e.Message}. Export it with the trainer's --good or --enrollable so model.onnx carries a memory bank.", e);
        }

        var goods = InspectionDataset.Images(goodDirectory);
        if (goods.Count < 2)
        {
            throw new CliException($"'{Path.GetFullPath(goodDirectory)}' holds {goods.Count} image(s): enroll needs at least 2 good images (half of them set the thresholds against a bank of the other half)");
        }

        // Preprocess once through the agent's path; features.onnx gives [P,E] per image.
        var inputs = new List<byte[]>(goods.Count);
        var perImage = new List<float[]>(goods.Count);
        int patches;
        int width;
        using (var serving = new ServingPath(source.Directory))
        using (var extractor = new PatchFeatureExtractor(source))
        {
            foreach (string file in goods)
            {
                byte[] input = serving.Prepare(file);
                inputs.Add(input);
                perImage.Add(extractor.Extract(input));
            }

            (patches, width) = extractor.Shape;
        }

        if (width != oldBank.Dims[^1])
        {
            throw new CliException($"features.onnx gives {width}-wide patch features but model.onnx's memory bank is {oldBank.Dims[^1]} wide: the two files are from different exports");
        }

        log($"features: {goods.Count} good images x {patches} patches x {width}");

        // Thresholds: each half scored against a bank of the other half, so no image meets its own patches.
        var scores = new float[goods.Count];
        float maxGoodMap = 0;
        for (int fold = 0; fold < 2; fold++)
        {
            var rest = Enumerable.Range(0, goods.Count).Where(i => i % 2 != fold).ToList();
            float[] foldBank = MemoryBank.Build(Concat(perImage, rest), width, maxSize: maxBank);
            using var temp = new ScratchPackage(source, OnnxInitializers.Replace(model, BankName, new FloatTensor([foldBank.Length / width, width], foldBank)));
            using var serving = new ServingPath(temp.Directory);
            for (int i = fold; i < goods.Count; i += 2)
            {
                scores[i] = serving.Score(inputs[i]);
                maxGoodMap = Math.Max(maxGoodMap, serving.Runner.Map.Max());
            }
        }

        float[] bank = MemoryBank.Build(Concat(perImage, Enumerable.Range(0, goods.Count)), width, maxSize: maxBank);
        int rows = bank.Length / width;
        log($"memory bank: {rows} of {goods.Count * patches} patches (greedy coreset, max {maxBank})");

        var decision = Calibrate(scores, maxGoodMap, source.Manifest.Decision.ScoreScale);
        string staging = output.TrimEnd(Path.DirectorySeparatorChar) + $".enroll-{Environment.ProcessId}.tmp";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var value = new FloatTensor([rows, width], bank);
        foreach (string name in source.Manifest.Files.Keys)
        {
            string from = Path.Combine(source.Directory, name);
            string to = Path.Combine(staging, name);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (name.EndsWith(".onnx", StringComparison.Ordinal) && name != PatchFeatureExtractor.FileName)
            {
                byte[] bytes = File.ReadAllBytes(from);
                File.WriteAllBytes(to, OnnxInitializers.Contains(bytes, BankName) ? OnnxInitializers.Replace(bytes, BankName, value) : bytes);
            }
            else
            {
                File.Copy(from, to);
            }
        }

        var manifest = PackageFiles.ReadManifest(source.Directory);
        int version = source.Manifest.Version + 1;
        manifest["version"] = version;
        manifest["created_utc"] = PackageFiles.UtcNow();
        string description = source.Manifest.Description ?? "";
        int cut = description.IndexOf(", placeholder memory bank", StringComparison.Ordinal);
        description = cut >= 0 ? description[..cut] : description;
        manifest["description"] = $"{description}; enrolled by edge-inspector on {goods.Count} good images, memory bank {rows}".TrimStart(';', ' ');
        var decisionNode = manifest["decision"] as JsonObject ?? [];
        decisionNode["image_threshold"] = decision.ImageThreshold;
        decisionNode["pixel_threshold"] = decision.PixelThreshold;
        decisionNode["score_scale"] = decision.ScoreScale;
        manifest["decision"] = decisionNode;
        manifest["metrics"] = new JsonObject
        {
            ["good_score_mean"] = scores.Average(),
            ["good_score_max"] = scores.Max(),
        };
        manifest["files"] = PackageFiles.DescribeFiles(staging, source.Manifest.Files.Keys);
        PackageFiles.WriteManifest(staging, manifest);
        if (Directory.Exists(output))
        {
            Directory.Delete(output);
        }

        Directory.Move(staging, output);
        using (new ServingPath(output))
        {
            // Loads, verifies every hash and warms up: the package serves.
        }

        return new EnrollResult(output, version, goods.Count, rows, width, decision.ImageThreshold, decision.PixelThreshold, decision.ScoreScale, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Good-only thresholds, as the trainer's calibrate_decision: mean + 3 std of the held-out good
    /// scores; the largest held-out good map value for pixels; score_scale puts the median good part at 0.1.
    /// </summary>
    public static DecisionSettings Calibrate(IReadOnlyList<float> goodScores, float maxGoodMap, double fallbackScale = 0.05)
    {
        double mean = goodScores.Average(s => (double)s);
        double std = Math.Sqrt(goodScores.Average(s => (s - mean) * (s - mean)));
        double threshold = Math.Min(mean + (3 * std) + 1e-6, 1.0);
        var sorted = goodScores.Select(s => (double)s).Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new DecisionSettings
        {
            ImageThreshold = threshold,
            PixelThreshold = Math.Min(maxGoodMap + 1e-6, 1.0),
            ScoreScale = threshold > median ? (threshold - median) / Math.Log(9) : fallbackScale,
        };
    }

    private static float[] Concat(List<float[]> perImage, IEnumerable<int> indices) => [.. indices.SelectMany(i => perImage[i])];

    /// <summary>A throw-away package holding only model.onnx (with a fold's bank) and its manifest.</summary>
    private sealed class ScratchPackage : IDisposable
    {
        public ScratchPackage(ModelPackage source, byte[] model)
        {
            Directory = Path.Combine(Path.GetTempPath(), "edge-inspector-enroll-" + Guid.NewGuid().ToString("N")[..12]);
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(Path.Combine(Directory, ModelPackage.ModelFileName), model);
            var manifest = PackageFiles.ReadManifest(source.Directory);
            manifest["files"] = PackageFiles.DescribeFiles(Directory, [ModelPackage.ModelFileName]);
            manifest.Remove("models"); // only model.onnx is here; an int8 entry would name a missing file
            PackageFiles.WriteManifest(Directory, manifest);
        }

        public string Directory { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
