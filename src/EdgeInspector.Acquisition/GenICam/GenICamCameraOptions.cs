using System.ComponentModel.DataAnnotations;

namespace EdgeInspector.Acquisition;

/// <summary>
/// The SFNC features every GenICam backend sets from configuration (Aravis, the Spinnaker SDK):
/// pixel format, region, exposure, gain, frame rate, trigger and camera-driven strobe, and the
/// stream's buffers and timeout. Each backend adds how it finds its camera.
/// </summary>
public abstract class GenICamCameraOptions
{
    /// <summary>GenICam PixelFormat: BayerRG8 (debayer on the host), RGB8 or Mono8.</summary>
    [Required]
    [RegularExpression("^(BayerRG8|RGB8|Mono8)$", ErrorMessage = "PixelFormat must be BayerRG8, RGB8 or Mono8.")]
    public string PixelFormat { get; set; } = "BayerRG8";

    /// <summary>Region of interest in sensor pixels; 0 = the full sensor width (less OffsetX).</summary>
    [Range(0, 65535)]
    public int Width { get; set; }

    /// <summary>Region of interest in sensor pixels; 0 = the full sensor height (less OffsetY).</summary>
    [Range(0, 65535)]
    public int Height { get; set; }

    [Range(0, 65535)]
    public int OffsetX { get; set; }

    [Range(0, 65535)]
    public int OffsetY { get; set; }

    /// <summary>Exposure time in microseconds (ExposureTime / ExposureTimeAbs); null leaves the camera's value.</summary>
    [Range(1.0, 60_000_000.0)]
    public double? ExposureUs { get; set; }

    /// <summary>Gain (Gain / GainRaw, in the camera's unit, usually dB); null leaves the camera's value.</summary>
    [Range(0.0, 1000.0)]
    public double? Gain { get; set; }

    /// <summary>AcquisitionFrameRate in Hz for free run; null leaves the camera's value.</summary>
    [Range(0.01, 10_000.0)]
    public double? FrameRate { get; set; }

    /// <summary>What starts an exposure: free run, a software trigger per capture, or the Line0 input (part sensor).</summary>
    public CameraTrigger Trigger { get; set; } = CameraTrigger.FreeRun;

    /// <summary>TriggerActivation for Line0/Software triggers (RisingEdge, FallingEdge, ...).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_]+$", ErrorMessage = "TriggerActivation must be a GenICam enumeration entry such as RisingEdge.")]
    public string TriggerActivation { get; set; } = "RisingEdge";

    /// <summary>
    /// Camera output line that drives the light (LineSelector, set to LineMode=Output and
    /// LineSource=ExposureActive), e.g. <c>Line1</c> on a Blackfly S; null = no camera strobe.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_]+$", ErrorMessage = "StrobeLine must be a GenICam line name such as Line1.")]
    public string? StrobeLine { get; set; }

    /// <summary>Stream buffers queued to the driver (Spinnaker: StreamBufferCountManual).</summary>
    [Range(2, 64)]
    public int BufferCount { get; set; } = 8;

    /// <summary>
    /// How long a capture waits for a frame before the camera counts as lost (free run and
    /// software trigger); with a Line0 trigger, the interval at which a waiting capture checks the
    /// camera still answers.
    /// </summary>
    [Range(10, 600_000)]
    public int TimeoutMs { get; set; } = 2000;
}

public enum CameraTrigger
{
    /// <summary>TriggerMode=Off: the camera runs at FrameRate; a capture takes the next frame.</summary>
    FreeRun,

    /// <summary>TriggerSource=Software: each capture fires TriggerSoftware and waits for that frame.</summary>
    Software,

    /// <summary>TriggerSource=Line0: the camera's opto input (part sensor) starts each exposure.</summary>
    Line0,
}
