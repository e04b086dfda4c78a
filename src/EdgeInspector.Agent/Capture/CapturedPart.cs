namespace EdgeInspector.Agent.Capture;

/// <summary>
/// One part kept on the device: its image file (<c>{Id}.png|.jpg</c>) and its record
/// (<c>{Id}.json</c>: kind, sizes, SHA-256 and the verdict as published). <see cref="Id"/> is the
/// verdict id; <see cref="Verdict"/>, <see cref="Score"/> and <see cref="ModelVersion"/> are the
/// device's judgement, the suggested label a person confirms or corrects.
/// </summary>
public sealed record CapturedPart(
    string Id,
    CaptureKind Kind,
    DateTimeOffset Ts,
    string ImageFile,
    long ImageBytes,
    string Sha256,
    long RecordBytes,
    string Verdict,
    double Score,
    int? ModelVersion)
{
    /// <summary>What the part takes against Capture:MaxBytes.</summary>
    public long Bytes => ImageBytes + RecordBytes;

    public string RecordFile => Id + ".json";
}
