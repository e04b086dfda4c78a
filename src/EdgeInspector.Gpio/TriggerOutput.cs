using System.ComponentModel.DataAnnotations;
using System.Device.Gpio;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Gpio;

/// <summary>A header pin wired to the camera's trigger input (Line0 on a Blackfly S): one pulse per capture.</summary>
public sealed class TriggerOutputOptions
{
    public const string Section = "TriggerOutput";

    public bool Enabled { get; set; }

    [Range(1, 40)]
    public int Pin { get; set; } = 15;

    public bool ActiveHigh { get; set; } = true;

    /// <summary>Long enough for the camera's input filter; the exposure starts on the edge.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:00.100")]
    public TimeSpan PulseWidth { get; set; } = TimeSpan.FromMilliseconds(1);
}

[OptionsValidator]
public sealed partial class TriggerOutputOptionsValidator : IValidateOptions<TriggerOutputOptions>;

/// <summary>
/// Pulses the camera's hardware trigger from the host, for cameras set to Trigger=Line0: the
/// exposure starts on the rising edge, inside the light strobe. The pulse is synchronous so the
/// edge is in place before the capture starts waiting for its frame.
/// </summary>
public sealed class TriggerOutput : IDisposable
{
    private readonly TriggerOutputOptions _options;
    private readonly GpioController _controller;
    private readonly int _line;
    private long _pulses;

    public TriggerOutput(TriggerOutputOptions options, GpioController controller, GpioDriverKind driver)
    {
        _options = options;
        _controller = controller;
        _line = driver == GpioDriverKind.Libgpiod ? OrinNanoHeader.LineOf(options.Pin) : options.Pin;
        _controller.OpenPin(_line, PinMode.Output, OffLevel);
    }

    public long Pulses => Interlocked.Read(ref _pulses);

    private PinValue OnLevel => _options.ActiveHigh ? PinValue.High : PinValue.Low;

    private PinValue OffLevel => _options.ActiveHigh ? PinValue.Low : PinValue.High;

    public void Fire()
    {
        _controller.Write(_line, OnLevel);
        Thread.Sleep(_options.PulseWidth);
        _controller.Write(_line, OffLevel);
        Interlocked.Increment(ref _pulses);
    }

    public void Dispose()
    {
        _controller.Write(_line, OffLevel);
        _controller.ClosePin(_line);
    }
}
