using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Acquisition;

/// <summary>
/// A FLIR camera (Blackfly S and other Spinnaker cameras) driven through the Spinnaker SDK: its C
/// API (<c>libSpinnaker_C.so</c>) on Linux/Jetson, SpinnakerNET on a Windows workstation. Bound
/// from <c>Camera:Spinnaker</c>. The camera features are <see cref="GenICamCameraOptions"/>'s; what they write
/// to the camera, in order, is <see cref="GenICamNodePlan.For(SpinnakerOptions)"/>.
/// </summary>
public sealed class SpinnakerOptions : GenICamCameraOptions
{
    public const string Section = "Camera:Spinnaker";

    /// <summary>Camera serial number (DeviceSerialNumber, e.g. <c>22123456</c>); empty opens the first camera found.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{0,64}$", ErrorMessage = "Camera:Spinnaker:Serial must be a camera serial number such as 22123456.")]
    public string? Serial { get; set; }
}

[OptionsValidator]
public sealed partial class SpinnakerOptionsValidator : IValidateOptions<SpinnakerOptions>;
