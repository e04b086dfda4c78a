using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Gpio;

/// <summary>The reject actuator (air jet, pusher, diverter) on a header output.</summary>
public sealed class RejectOptions
{
    public const string Section = "Reject";

    public bool Enabled { get; set; }

    /// <summary>Header pin (board numbering) driving the actuator (through a driver stage, not directly).</summary>
    [Range(1, 40)]
    public int Pin { get; set; } = 13;

    /// <summary>Actuator polarity: true = high fires it.</summary>
    public bool ActiveHigh { get; set; } = true;

    /// <summary>Conveyor travel time from the part sensor (or capture) to the actuator.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the actuator fires.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:05")]
    public TimeSpan PulseWidth { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Also reject parts that could not be inspected (ERROR verdicts); off = only NG parts are rejected.</summary>
    public bool RejectErrors { get; set; }
}

[OptionsValidator]
public sealed partial class RejectOptionsValidator : IValidateOptions<RejectOptions>;
