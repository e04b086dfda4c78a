using System.Device.Gpio;

namespace EdgeInspector.Gpio.Tests;

/// <summary>
/// The trigger pulse holds the pin with a plain sleep on the calling thread (no schedule, no
/// timer), so it runs on the real clock; a sleep only ever runs long, so the lower bound on the
/// width cannot fail under load.
/// </summary>
public sealed class TriggerOutputTests : IDisposable
{
    private readonly RecordingGpioDriver _driver = new();
    private readonly GpioController _controller;

    public TriggerOutputTests() => _controller = new GpioController(_driver);

    public void Dispose() => _controller.Dispose();

    private TriggerOutput Output(bool activeHigh = true) =>
        new(new TriggerOutputOptions { Enabled = true, Pin = 15, ActiveHigh = activeHigh, PulseWidth = TimeSpan.FromMilliseconds(2) }, _controller, GpioDriverKind.Recording);

    [Fact]
    public void Fire_pulses_the_pin_for_at_least_the_pulse_width()
    {
        using var trigger = Output();

        trigger.Fire();
        trigger.Fire();

        var edges = _driver.Edges.ToList();
        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low, PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.All(edges, e => Assert.Equal(15, e.Pin));
        Assert.True(TimeProvider.System.GetElapsedTime(edges[1].Timestamp, edges[2].Timestamp) >= TimeSpan.FromMilliseconds(2));
        Assert.Equal(2, trigger.Pulses);
    }

    [Fact]
    public void Active_low_idles_high_and_dispose_leaves_it_off()
    {
        var trigger = Output(activeHigh: false);

        trigger.Fire();
        trigger.Dispose();

        Assert.Equal([PinValue.High, PinValue.Low, PinValue.High, PinValue.High], _driver.Edges.Select(e => e.Value));
        Assert.False(_controller.IsPinOpen(15));
    }
}
