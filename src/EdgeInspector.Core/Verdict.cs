using System.Text.Json.Serialization;

namespace EdgeInspector.Core;

/// <summary>The verdict JSON published per part (contract: see docs/mqtt.md).</summary>
public sealed record Verdict
{
    public required string Id { get; init; }

    public required long Seq { get; init; }

    public required string Device { get; init; }

    public required DateTimeOffset Ts { get; init; }

    [JsonPropertyName("verdict")]
    public required VerdictKind Kind { get; init; }

    public required double Score { get; init; }

    public required double RawScore { get; init; }

    public required double Threshold { get; init; }

    public required IReadOnlyList<DefectRegion> Regions { get; init; }

    public required ModelIdentity? Model { get; init; }

    public required StageTimings TimingsMs { get; init; }

    public required ImageSize Image { get; init; }

    /// <summary>Why the part could not be inspected; only on ERROR verdicts.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<VerdictKind>))]
public enum VerdictKind
{
    [JsonStringEnumMemberName("OK")]
    Ok,
    [JsonStringEnumMemberName("NG")]
    Ng,
    [JsonStringEnumMemberName("ERROR")]
    Error,
}

/// <summary>
/// A connected defect area, in original image pixels; on a tiled line <c>tile</c> names the tile
/// its centre lies in ("r0c1": row 0, column 1), absent otherwise.
/// </summary>
public sealed record DefectRegion(int X, int Y, int W, int H, int AreaPx, double Score, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Tile = null);

/// <summary>
/// The model that scored a part: package name and version, the served ONNX file's SHA-256 and its
/// precision; <c>origin</c> only for a package not made on the workstation (e.g. <c>device-enroll</c>: unsigned).
/// </summary>
public sealed record ModelIdentity(string Name, int Version, string Sha256, string Precision = "fp32", [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Origin = null);

public sealed record ImageSize(int Width, int Height);

public sealed record StageTimings(double Acquire, double Preprocess, double Infer, double Post, double Total);
