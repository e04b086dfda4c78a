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

[OptionsValidator]
public sealed partial class AravisOptionsValidator : IValidateOptions<AravisOptions>;
