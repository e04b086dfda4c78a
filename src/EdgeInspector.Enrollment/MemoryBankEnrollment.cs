using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Inference;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Enrollment;

/// <summary>An enrollment that cannot be done, with the reason and the fix.</summary>
public sealed class EnrollmentException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>What enrollment wrote.</summary>
public sealed record EnrollmentResult(string Package, int Version, int GoodParts, int BankRows, int BankWidth, DecisionSettings Decision, int GoldenImages, double Seconds);

/// <summary>How a package is enrolled, and what its manifest says about where.</summary>
public sealed record EnrollmentSettings
{
    /// <summary>Most memory bank rows (the coreset's cap).</summary>
    public int MaxBank { get; init; } = 4096;

    /// <summary>Appended to the description: who enrolled it, on what.</summary>
    public required string Note { get; init; }

    /// <summary>manifest <c>origin</c>; null for a workstation package (it will be signed).</summary>
    public string? Origin { get; init; }

    /// <summary>ONNX Runtime CPU threads for features and scoring; 0 = its default.</summary>
    public int IntraOpThreads { get; init; }

    public Action<string>? Log { get; init; }
}

/// <summary>
/// Few-shot enrollment without Python, shared by <c>edge-inspector enroll</c> and the agent's
/// <c>cmd/enroll</c>: patch features of the good parts' model inputs from features.onnx, a greedy
/// coreset as the new memory bank written into model.onnx's <c>memory_bank</c> initializer (and
/// the INT8 model's), thresholds from a leave-half-out split, golden expectations re-derived for
/// the new bank, and a new package with version + 1, <c>derived_from</c> and every file hashed.
/// Long on purpose: one enrollment recipe end to end (features, coreset, thresholds, golden
/// set, package), shared verbatim by <c>edge-inspector enroll</c> and the agent's cmd/enroll.
/// </summary>
public static class MemoryBankEnrollment
{
    public const int MinGoodParts = 2;

    /// <summary>The package's current bank; throws <see cref="EnrollmentException"/> naming the fix when it cannot be enrolled.</summary>
    public static FloatTensor CheckEnrollable(ModelPackage source) => CheckEnrollable(source, out _);

    /// <summary>
    /// Writes the enrolled package into <paramref name="outDirectory"/> (new or empty): built beside
    /// it, loaded once to prove it serves, then renamed into place. <paramref name="goodInputs"/> are
    /// model inputs (uint8 RGB H×W×3 in the package's input size) of good parts.
    /// </summary>
    public static EnrollmentResult Write(ModelPackage source, IReadOnlyList<byte[]> goodInputs, string outDirectory, EnrollmentSettings settings, CancellationToken cancellationToken = default)
    {
        var log = settings.Log ?? (_ => { });
        var watch = Stopwatch.StartNew();
        string output = Path.GetFullPath(outDirectory);
        if (Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any())
        {
            throw new EnrollmentException($"output folder '{output}' is not empty: enroll writes a new package into an empty or new folder");
        }

        var oldBank = CheckEnrollable(source, out byte[] model);
        if (goodInputs.Count < MinGoodParts)
        {
            throw new EnrollmentException($"{goodInputs.Count} good part(s): enroll needs at least {MinGoodParts} (half of them set the thresholds against a bank of the other half)");
        }

        var input = source.Manifest.Input;
        if (goodInputs.FirstOrDefault(i => i.Length != input.Width * input.Height * 3) is { } odd)
        {
            throw new EnrollmentException($"a good part's model input has {odd.Length} bytes, the package's {input.Width}x{input.Height} RGB input needs {input.Width * input.Height * 3}");
        }

        var perPart = new List<float[]>(goodInputs.Count);
        int patches;
        int width;
        using (var extractor = new PatchFeatureExtractor(source, settings.IntraOpThreads))
        {
            foreach (byte[] good in goodInputs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                perPart.Add(extractor.Extract(good));
            }

            (patches, width) = extractor.Shape;
        }

        if (width != oldBank.Dims[^1])
        {
            throw new EnrollmentException($"features.onnx gives {width}-wide patch features but model.onnx's memory bank is {oldBank.Dims[^1]} wide: the two files are from different exports");
        }

        log($"features: {goodInputs.Count} good parts x {patches} patches x {width}");

        // Scratch packages are scored on the CPU: a fold must not build a TensorRT engine.
        var loader = new ModelLoader(new InferenceOptions { Providers = [ExecutionProviderKind.Cpu], IntraOpThreads = settings.IntraOpThreads }, NullLogger<ModelLoader>.Instance);

        // Thresholds: each half scored against a bank of the other half, so no part meets its own patches.
        // A PatchCore model's per-position statistics come from the same held-out maps.
        // The source's statistics belong to its own bank: the folds and a package enrolled from
        // too few parts get identity (plain PatchCore) instead.
        bool hasPositions = PositionCalibration.Supports(model);
        bool positional = hasPositions && goodInputs.Count >= PositionCalibration.MinParts;
        if (hasPositions && !positional)
        {
            log($"position statistics skipped: {goodInputs.Count} good parts, they need at least {PositionCalibration.MinParts} (a per-pixel spread from fewer is noise); corner patches may set the score, enroll more parts to fix it");
        }

        byte[] foldModel = hasPositions ? PositionCalibration.WithIdentity(model, input.Width, input.Height) : model;
        var positions = positional ? new PositionCalibration(goodInputs.Count, input.Width * input.Height, PositionCalibration.DistanceScale(model)) : null;
        var scores = new float[goodInputs.Count];
        float maxGoodMap = 0;
        for (int fold = 0; fold < 2; fold++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rest = Enumerable.Range(0, goodInputs.Count).Where(i => i % 2 != fold).ToList();
            float[] foldBank = MemoryBank.Build(Concat(perPart, rest), width, maxSize: settings.MaxBank);
            using var scratch = new ScratchPackage(source, OnnxInitializers.Replace(foldModel, ModelLoader.MemoryBankName, new FloatTensor([foldBank.Length / width, width], foldBank)), $"{output}.fold{fold}.tmp");
            using var runner = loader.Load(scratch.Directory);
            for (int i = fold; i < goodInputs.Count; i += 2)
            {
                scores[i] = runner.Run(goodInputs[i]);
                maxGoodMap = Math.Max(maxGoodMap, runner.Map.Max());
                positions?.Add(i, runner.Map);
            }
        }

        float[] bank = MemoryBank.Build(Concat(perPart, Enumerable.Range(0, goodInputs.Count)), width, maxSize: settings.MaxBank);
        int rows = bank.Length / width;
        log($"memory bank: {rows} of {goodInputs.Count * patches} patches (greedy coreset, max {settings.MaxBank})");
        var replacements = new Dictionary<string, FloatTensor> { [ModelLoader.MemoryBankName] = new([rows, width], bank) };
        if (hasPositions)
        {
            foreach (var (name, value) in PositionCalibration.Initializers(positions?.Solve() ?? PositionCalibration.Identity(input.Width * input.Height), input.Width, input.Height))
            {
                replacements[name] = value;
            }
        }

        if (positions is not null)
        {
            (scores, maxGoodMap) = positions.HeldOutScores();
            log("position statistics: each pixel's good distances mapped onto the image's (border and corner patches no longer set the score)");
        }

        var decision = Calibrate(scores, maxGoodMap, source.Manifest.Decision.ScoreScale);
        string staging = output + ".enroll.tmp";
        DeleteIfExists(staging);
        Directory.CreateDirectory(staging);
        try
        {
            CopyWithInitializers(source, staging, replacements);
            var manifest = EnrolledManifest(source, rows, decision, scores, settings);
            // The agent's input guard: frames far from these good parts (dark, blurred, overexposed) are not scored.
            var guard = InputGuardRanges.From([.. goodInputs.Select(g => InputStatistics.Measure(g, input.Width, input.Height))]);
            manifest["input_guard"] = System.Text.Json.JsonSerializer.SerializeToNode(guard, ManifestJson.Default.InputGuardRanges);
            manifest["files"] = PackageFiles.DescribeFiles(staging, source.Manifest.Files.Keys);
            PackageFiles.WriteManifest(staging, manifest);
            int golden;
            using (var enrolled = loader.Load(staging))
            {
                // Loads, verifies every hash and warms up: the package serves.
                golden = RederiveGolden(source, enrolled, staging, manifest);
            }

            cancellationToken.ThrowIfCancellationRequested();
            DeleteIfExists(output);
            Directory.Move(staging, output);
            return new EnrollmentResult(output, source.Manifest.Version + 1, goodInputs.Count, rows, width, decision, golden, watch.Elapsed.TotalSeconds);
        }
        catch
        {
            DeleteIfExists(staging);
            throw;
        }
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

    private static FloatTensor CheckEnrollable(ModelPackage source, out byte[] model)
    {
        var m = source.Manifest;
        if (!m.Files.ContainsKey(PatchFeatureExtractor.FileName))
        {
            throw new EnrollmentException($"package {m.Name} v{m.Version} has no {PatchFeatureExtractor.FileName}, the patch-feature model a memory bank is built from, so it cannot be enrolled: serve a CLIP package exported by the trainer (it carries {PatchFeatureExtractor.FileName} and a memory bank: export with --good or --enrollable)");
        }

        model = File.ReadAllBytes(source.ModelPath);
        try
        {
            return OnnxInitializers.Read(model, ModelLoader.MemoryBankName);
        }
        catch (InvalidDataException e)
        {
            throw new EnrollmentException($"'{source.ModelPath}' cannot be enrolled: {e.Message}. Export it with the trainer's --good or --enrollable so model.onnx carries a memory bank.", e);
        }
    }

    /// <summary>Every listed file of the source; each ONNX model that has a bank (FP32 and INT8, not features.onnx) gets the new initializers.</summary>
    private static void CopyWithInitializers(ModelPackage source, string staging, IReadOnlyDictionary<string, FloatTensor> replacements)
    {
        foreach (string name in source.Manifest.Files.Keys)
        {
            string from = Path.Combine(source.Directory, name);
            string to = Path.Combine(staging, name);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (name.EndsWith(".onnx", StringComparison.Ordinal) && name != PatchFeatureExtractor.FileName)
            {
                byte[] bytes = File.ReadAllBytes(from);
                if (OnnxInitializers.Contains(bytes, ModelLoader.MemoryBankName))
                {
                    foreach (var (initializer, value) in replacements)
                    {
                        bytes = OnnxInitializers.Replace(bytes, initializer, value);
                    }
                }

                File.WriteAllBytes(to, bytes);
            }
            else
            {
                File.Copy(from, to);
            }
        }
    }

    private static JsonObject EnrolledManifest(ModelPackage source, int rows, DecisionSettings decision, float[] scores, EnrollmentSettings settings)
    {
        var manifest = PackageFiles.ReadManifest(source.Directory);
        manifest["version"] = source.Manifest.Version + 1;
        manifest["created_utc"] = PackageFiles.UtcNow();
        string description = source.Manifest.Description ?? "";
        int cut = description.IndexOf(", placeholder memory bank", StringComparison.Ordinal);
        description = cut >= 0 ? description[..cut] : description;
        manifest["description"] = $"{description}; {settings.Note}, memory bank {rows}".TrimStart(';', ' ');
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
        // The agent's drift watch compares the line's OK parts with these.
        manifest["good_scores"] = System.Text.Json.JsonSerializer.SerializeToNode(GoodScores.Of(scores.Select(s => (double)s)), ManifestJson.Default.GoodScores);
        var from = source.Identity;
        manifest["derived_from"] = new JsonObject { ["name"] = from.Name, ["version"] = from.Version, ["sha256"] = from.Sha256 };
        manifest["origin"] = settings.Origin;
        if (settings.Origin is null)
        {
            manifest.Remove("origin");
        }

        return manifest;
    }

    /// <summary>
    /// The golden scores change with the bank: they are re-derived from the enrolled package (the
    /// self-test then checks the serving provider reproduces them), and the golden parts that were
    /// good for the source must stay below the new threshold, or enrollment fails.
    /// </summary>
    private static int RederiveGolden(ModelPackage source, ModelRunner enrolled, string staging, JsonObject manifest)
    {
        GoldenImages? golden;
        IReadOnlyList<(string Name, double Score)> scores;
        try
        {
            golden = GoldenImages.Read(staging);
            if (golden is null)
            {
                return 0;
            }

            scores = golden.Score(enrolled);
        }
        catch (InvalidDataException e)
        {
            throw new EnrollmentException($"the source package's golden images cannot be re-scored: {e.Message}", e);
        }

        var below = golden.BelowThreshold.Count > 0
            ? golden.BelowThreshold
            : [.. golden.Expected.Where(e => e.Value < source.Manifest.Decision.ImageThreshold).Select(e => e.Key)];
        double threshold = enrolled.Package.Manifest.Decision.ImageThreshold;
        foreach (var (name, score) in scores)
        {
            if (below.Contains(name) && score >= threshold)
            {
                throw new EnrollmentException(string.Create(CultureInfo.InvariantCulture, $"golden good image '{name}' scores {score:F4} against the new memory bank, not below its threshold {threshold:F4}: the enrolled parts do not cover what the package's reference good parts look like; enroll again with more, and more varied, good parts"));
            }
        }

        new GoldenImages(golden.Tolerance, scores.ToDictionary(s => s.Name, s => s.Score, StringComparer.Ordinal), below).Write(staging);
        var files = (JsonObject)manifest["files"]!;
        files[GoldenImages.ExpectedPath] = PackageFiles.DescribeFiles(staging, [GoldenImages.ExpectedPath])[GoldenImages.ExpectedPath]!.DeepClone();
        PackageFiles.WriteManifest(staging, manifest);
        return scores.Count;
    }

    private static float[] Concat(List<float[]> perPart, IEnumerable<int> indices) => [.. indices.SelectMany(i => perPart[i])];

    private static void DeleteIfExists(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>A throw-away package holding only model.onnx (with a fold's bank) and its manifest.</summary>
    private sealed class ScratchPackage : IDisposable
    {
        public ScratchPackage(ModelPackage source, byte[] model, string directory)
        {
            Directory = directory;
            DeleteIfExists(directory);
            System.IO.Directory.CreateDirectory(Directory);
            File.WriteAllBytes(Path.Combine(Directory, ModelPackage.ModelFileName), model);
            var manifest = PackageFiles.ReadManifest(source.Directory);
            manifest["files"] = PackageFiles.DescribeFiles(Directory, [ModelPackage.ModelFileName]);
            manifest.Remove("models"); // only model.onnx is here; an int8 entry would name a missing file
            PackageFiles.WriteManifest(Directory, manifest);
        }

        public string Directory { get; }

        public void Dispose() => DeleteIfExists(Directory);
    }
}
