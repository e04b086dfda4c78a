using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Gpio;

/// <summary>The part-present sensor (photo eye, proximity switch) on a header input.</summary>
public sealed class PartSensorOptions
{
    public const string Section = "PartSensor";

    /// <summary>Off: parts are taken as the camera delivers them (free run, camera trigger).</summary>
    public bool Enabled { get; set; }

    /// <summary>Header pin (board numbering) of the sensor input.</summary>
    [Range(1, 40)]
    public int Pin { get; set; } = 11;

    /// <summary>The edge that means "a part arrived": Rising for a PNP/active-high sensor, Falling for NPN/active-low.</summary>
    public SensorEdge Edge { get; set; } = SensorEdge.Rising;

    /// <summary>The input must hold the part level this long to count; shorter glitches and contact bounce are ignored.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(5);
}

public enum SensorEdge
{
    Rising,
    Falling,
}

[OptionsValidator]
public sealed partial class PartSensorOptionsValidator : IValidateOptions<PartSensorOptions>;
