using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.Capture;

/// <summary>How a captured part's full-resolution image is kept: PNG (lossless) or JPEG (Capture:JpegQuality).</summary>
public enum CaptureFormat
{
    Png,
    Jpeg,
}

/// <summary>
/// Capture:* — which parts keep their full-resolution image and verdict in Agent:StateDirectory/captures
/// for the data loop (docs/data-loop.md), and how much disk they may take.
/// </summary>
public sealed class CaptureOptions
{
    public const string Section = "Capture";

    /// <summary>Off by default: a device fills its disk only when asked to.</summary>
    public bool Enabled { get; set; }

    public CaptureFormat Format { get; set; } = CaptureFormat.Png;

    [Range(10, 100, ErrorMessage = "Capture:JpegQuality must be from 10 to 100 (used when Capture:Format is Jpeg); 95 keeps fine defects visible.")]
    public int JpegQuality { get; set; } = 95;

    /// <summary>Parts whose normalised score lies within 0.5 ± this band are "uncertain" and always kept.</summary>
    [Range(0.0, 0.5, ErrorMessage = "Capture:UncertainBand must be from 0 to 0.5 (normalised score distance from the threshold 0.5); 0 keeps no uncertain parts, e.g. 0.05.")]
    public double UncertainBand { get; set; } = 0.05;

    /// <summary>The share of OK parts (outside the uncertain band) kept at random, so the next model also sees ordinary good parts.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Capture:OkSampleRate must be from 0 to 1 (the share of OK parts kept), e.g. 0.01.")]
    public double OkSampleRate { get; set; } = 0.01;

    /// <summary>Quota for captures (images and their verdicts); the oldest are evicted first.</summary>
    [Range(1L << 20, long.MaxValue, ErrorMessage = "Capture:MaxBytes must be at least 1048576 (1 MiB); a quota below one image keeps nothing, e.g. 2147483648 for 2 GiB.")]
    public long MaxBytes { get; set; } = 2L << 30;

    /// <summary>Free disk the captures always leave on the state directory's file system, for the outbox and model updates.</summary>
    [Range(0, long.MaxValue, ErrorMessage = "Capture:MinFreeBytes must be 0 or more (free disk left for the outbox and updates), e.g. 1073741824 for 1 GiB.")]
    public long MinFreeBytes { get; set; } = 1L << 30;

    /// <summary>Captures waiting for the disk writer; when it is behind, further captures are dropped (counted), never waited for.</summary>
    [Range(1, 64, ErrorMessage = "Capture:MaxPending must be from 1 to 64 (full-resolution frames held in memory for the writer), e.g. 4.")]
    public int MaxPending { get; set; } = 4;
}

[OptionsValidator]
public sealed partial class CaptureOptionsValidator : IValidateOptions<CaptureOptions>;
