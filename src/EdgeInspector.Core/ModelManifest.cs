using System.Text.Json.Serialization;

namespace EdgeInspector.Core;

/// <summary>manifest.json of a model package (contract: docs/model-package.md).</summary>
public sealed record ModelManifest
{
    public const int SupportedFormat = 1;

    public int Format { get; set; }

    public string Name { get; set; } = "";

    public int Version { get; set; }

    public string? CreatedUtc { get; set; }

    public string? Description { get; set; }

    public string Backbone { get; set; } = "";

    public ModelInput Input { get; set; } = new();

    public DecisionSettings Decision { get; set; } = new();

    public Dictionary<string, double> Metrics { get; set; } = [];

    public Dictionary<string, PackageFile> Files { get; set; } = [];

    /// <summary>
    /// Optional: the ONNX file of each precision (<c>fp32</c>, <c>int8</c>), each also listed in
    /// <see cref="Files"/>. Absent in older packages: model.onnx is FP32 and a listed
    /// model.int8.onnx is the INT8 model.
    /// </summary>
    public Dictionary<string, string>? Models { get; set; }

    /// <summary>Optional: where a package was made when not on the workstation; <c>device-enroll</c> = by cmd/enroll on the device, unsigned.</summary>
    public string? Origin { get; set; }

    /// <summary>Optional: the package an enrolled one was made from.</summary>
    public ModelLineage? DerivedFrom { get; set; }

    /// <summary>Optional: what a memory-bank engine's features are (PatchCore packages); the loader checks the bank against it.</summary>
    public EngineInfo? Engine { get; set; }

    /// <summary>
    /// Optional: ranges of the input statistics of the good parts the package was enrolled from;
    /// the agent's input guard turns a frame outside them into an ERROR verdict. Absent: not guarded.
    /// </summary>
    public InputGuardRanges? InputGuard { get; set; }

    /// <summary>
    /// Optional: the raw scores of the held-out good parts the package was enrolled from; the
    /// agent's drift watch compares the line's OK parts with them. Absent in older packages: drift
    /// is then judged by the NG rate alone.
    /// </summary>
    public GoodScores? GoodScores { get; set; }
}

/// <summary>The enrolled good parts' raw score distribution: median, 95th percentile and how many parts.</summary>
public sealed record GoodScores
{
    public double P50 { get; set; }

    public double P95 { get; set; }

    public int Count { get; set; }

    /// <summary>Nearest-rank percentile of <paramref name="sorted"/> (ascending, not empty), <paramref name="q"/> in [0,1].</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static GoodScores Of(IEnumerable<double> scores)
    {
        double[] sorted = [.. scores.Order()];
        return new GoodScores { P50 = Percentile(sorted, 0.5), P95 = Percentile(sorted, 0.95), Count = sorted.Length };
    }
}

/// <summary>A memory-bank engine: its kind, the backbone layers its patch features come from and their width.</summary>
public sealed record EngineInfo
{
    /// <summary><c>patchcore</c> for the default engine.</summary>
    public string Kind { get; set; } = "";

    public List<string> Layers { get; set; } = [];

    /// <summary>Values per patch feature: every memory bank row of this package has this many.</summary>
    public int FeatureWidth { get; set; }

    /// <summary>The channel order the backbone sees (<c>bgr</c> for the CNTK ImageNet weights).</summary>
    public string? ChannelOrder { get; set; }

    /// <summary>SHA-256 of the pretrained weight file the graph was built from.</summary>
    public string? WeightsSha256 { get; set; }
}

/// <summary>The source of an enrolled package: its name, version and the SHA-256 of its model.onnx.</summary>
public sealed record ModelLineage(string Name, int Version, string Sha256);

/// <summary>Which of a package's models serves: the FP32 model.onnx or the INT8 QDQ model.int8.onnx.</summary>
public enum ModelPrecision
{
    Fp32,
    Int8,
}

/// <summary>The model file a package serves for a requested precision; FallbackReason says why it is not the one requested.</summary>
public sealed record ModelFileChoice(ModelPrecision Precision, string FileName, string Path, string Sha256, string? FallbackReason);

public sealed record ModelInput
{
    public int Width { get; set; }

    public int Height { get; set; }

    /// <summary>bilinear | bicubic | area: the interpolation the model was evaluated with.</summary>
    public string Resize { get; set; } = "bilinear";
}

public sealed record DecisionSettings
{
    public double ImageThreshold { get; set; } = 0.5;

    public double PixelThreshold { get; set; } = 0.5;

    public double ScoreScale { get; set; } = 0.05;

    public int MinRegionAreaPx { get; set; } = 16;

    /// <summary>Maps a raw model score to [0,1] with the threshold at exactly 0.5.</summary>
    public double Normalize(double rawScore) => 1.0 / (1.0 + Math.Exp(-(rawScore - ImageThreshold) / ScoreScale));
}

public sealed record PackageFile(string Sha256, long Bytes);

// Settable, not init-only: the source generator passes default(T) for every init-only property the
// JSON leaves out, which would erase the defaults above (a decision block without image_threshold
// would read as threshold 0). RespectNullableAnnotations turns an explicit null for a non-nullable
// member into a JsonException instead of a NullReferenceException later.
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip, RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(InputGuardRanges))]
[JsonSerializable(typeof(GoodScores))]
public sealed partial class ManifestJson : JsonSerializerContext;
