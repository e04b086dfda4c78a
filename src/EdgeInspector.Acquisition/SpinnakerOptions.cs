using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Acquisition;

/// <summary>
/// A FLIR camera (Blackfly S and other Spinnaker cameras) driven through the Spinnaker SDK: its C
/// API (<c>libSpinnaker_C.so</c>) on Linux/Jetson, SpinnakerNET on a Windows workstation. Bound
/// from <c>Camera:Spinnaker</c>. The fields mirror <see cref="AravisOptions"/>; what they write
/// to the camera, in order, is <see cref="GenICamNodePlan.For(SpinnakerOptions)"/>.
/// </summary>
public sealed class SpinnakerOptions
{
    public const string Section = "Camera:Spinnaker";

    /// <summary>Camera serial number (DeviceSerialNumber, e.g. <c>22123456</c>); empty opens the first camera found.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{0,64}$", ErrorMessage = "Camera:Spinnaker:Serial must be a camera serial number such as 22123456.")]
    public string? Serial { get; set; }

    /// <summary>GenICam PixelFormat: BayerRG8 (debayer on the host), RGB8 or Mono8.</summary>
    [Required]
    [RegularExpression("^(BayerRG8|RGB8|Mono8)$", ErrorMessage = "Camera:Spinnaker:PixelFormat must be BayerRG8, RGB8 or Mono8.")]
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

    /// <summary>ExposureTime in microseconds (ExposureAuto is switched off); null leaves the camera's value.</summary>
    [Range(1.0, 60_000_000.0)]
    public double? ExposureUs { get; set; }

    /// <summary>Gain in dB (GainAuto is switched off); null leaves the camera's value.</summary>
    [Range(0.0, 1000.0)]
    public double? Gain { get; set; }

    /// <summary>AcquisitionFrameRate in Hz for free run (AcquisitionFrameRateEnable is set); null leaves the camera's value.</summary>
    [Range(0.01, 10_000.0)]
    public double? FrameRate { get; set; }

    /// <summary>What starts an exposure: free run, a software trigger per capture, or the Line0 opto input (part sensor).</summary>
    public CameraTrigger Trigger { get; set; } = CameraTrigger.FreeRun;

    /// <summary>TriggerActivation for a Line0 trigger (RisingEdge, FallingEdge, ...); cameras may ignore it for Software.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_]+$", ErrorMessage = "Camera:Spinnaker:TriggerActivation must be a GenICam enumeration entry such as RisingEdge.")]
    public string TriggerActivation { get; set; } = "RisingEdge";

    /// <summary>
    /// Camera output line that drives the light (LineSelector, set to LineMode=Output and
    /// LineSource=ExposureActive), <c>Line1</c> (opto output) or <c>Line2</c> on a Blackfly S; null = no camera strobe.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_]+$", ErrorMessage = "Camera:Spinnaker:StrobeLine must be a GenICam line name such as Line1.")]
    public string? StrobeLine { get; set; }

    /// <summary>Stream buffers the SDK holds (StreamBufferCountManual).</summary>
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

[OptionsValidator]
public sealed partial class SpinnakerOptionsValidator : IValidateOptions<SpinnakerOptions>;
