using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Acquisition;

/// <summary>
/// A GenICam camera (USB3 Vision or GigE Vision) driven through Aravis. Bound from
/// <c>Camera:Aravis</c>; every feature set here is read back at open, and a feature the camera
/// lacks or a value outside its bounds fails the open with a message naming both.
/// </summary>
public sealed class AravisOptions : GenICamCameraOptions
{
    public const string Section = "Camera:Aravis";

    /// <summary>Device id (e.g. <c>FLIR-1E10012345</c>), serial number or IP address; empty opens the first camera found.</summary>
    [MaxLength(256)]
    public string? DeviceId { get; set; }
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

[OptionsValidator]
public sealed partial class AravisOptionsValidator : IValidateOptions<AravisOptions>;
