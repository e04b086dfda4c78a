using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Gpio;

/// <summary>How the LIDLA light is strobed around each exposure.</summary>
public sealed class LightOptions
{
    public const string Section = "Light";

    public LightMode Mode { get; set; } = LightMode.Gpio;

    /// <summary>libgpiod on a real header; Recording where there is none (demo, tests, x64 hosts).</summary>
    public GpioDriverKind Driver { get; set; } = GpioDriverKind.Recording;

    /// <summary>Header pin (board numbering) of the light trigger; mapped to a gpiochip0 line.</summary>
    [Range(1, 40)]
    public int Pin { get; set; } = 7;

    /// <summary>Trigger polarity of the light's input: true = high turns it on.</summary>
    public bool ActiveHigh { get; set; } = true;

    /// <summary>Time between light on and exposure start, for the LEDs to reach full output.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01")]
    public TimeSpan LeadTime { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Hard bound on one strobe; the light goes off even if a capture hangs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan MaxOnTime { get; set; } = TimeSpan.FromMilliseconds(500);
}

public enum LightMode
{
    /// <summary>Continuous light or none: nothing is switched.</summary>
    Off,

    /// <summary>A header GPIO brackets every capture.</summary>
    Gpio,
}

public enum GpioDriverKind
{
    Recording,
    Libgpiod,
}

[OptionsValidator]
public sealed partial class LightOptionsValidator : IValidateOptions<LightOptions>;
