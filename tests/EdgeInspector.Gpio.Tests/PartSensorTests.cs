using System.Collections.Concurrent;
using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;

namespace EdgeInspector.Gpio.Tests;

/// <summary>
/// The sensor on a fake clock: the settle timer fires on the thread that moves the clock, so each
/// step's outcome is known when the step returns, and a step onto a due time stamps it exactly.
/// </summary>
public sealed class PartSensorTests : IDisposable
{
    private const int Pin = 11;
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingGpioDriver _driver;
    private readonly GpioController _controller;
    private readonly ConcurrentQueue<PartDetected> _parts = new();

    public PartSensorTests()
    {
        _driver = new RecordingGpioDriver(time: _time);
        _controller = new GpioController(_driver);
    }

    public void Dispose() => _controller.Dispose();

    private PartSensor Sensor(SensorEdge edge = SensorEdge.Rising, int debounceMs = 20) => new(
        new PartSensorOptions { Enabled = true, Pin = Pin, Edge = edge, Debounce = Ms(debounceMs) },
        _controller,
        GpioDriverKind.Recording,
        _parts.Enqueue,
        _time);

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    [Fact]
    public void A_clean_edge_counts_one_part_after_the_debounce_time()
    {
        using var sensor = Sensor(debounceMs: 20);
        long edge = _time.GetTimestamp();

        _driver.Drive(Pin, PinValue.High);
        _time.Advance(Ms(20) - OneTick);
        Assert.Empty(_parts);
        Assert.False(sensor.PartPresent);
        _time.Advance(OneTick);

        var part = Assert.Single(_parts);
        Assert.Equal(1, part.Sequence);
        Assert.Equal(edge, part.EdgeTimestamp);
        Assert.Equal(Ms(20), _time.GetElapsedTime(part.EdgeTimestamp, part.ConfirmedTimestamp));
        Assert.True(sensor.PartPresent);
    }

    [Fact]
    public void Contact_bounce_counts_as_one_part_from_the_last_edge()
    {
        using var sensor = Sensor(debounceMs: 30);

        long lastEdge = 0;
        foreach (var level in new[] { PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High })
        {
            lastEdge = _time.GetTimestamp();
            _driver.Drive(Pin, level);
            _time.Advance(Ms(2));
        }

        _time.Advance(Ms(28) - OneTick);
        Assert.Empty(_parts);
        _time.Advance(OneTick);
        _time.Advance(TimeSpan.FromSeconds(1));

        var part = Assert.Single(_parts);
        Assert.Equal(lastEdge, part.EdgeTimestamp);
        Assert.Equal(Ms(30), _time.GetElapsedTime(part.EdgeTimestamp, part.ConfirmedTimestamp));
        Assert.Equal(4, sensor.Glitches);
    }

    [Fact]
    public void A_glitch_shorter_than_the_debounce_is_ignored()
    {
        using var sensor = Sensor(debounceMs: 30);

        _driver.Drive(Pin, PinValue.High);
        _time.Advance(Ms(3));
        _driver.Drive(Pin, PinValue.Low);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Empty(_parts);
        Assert.False(sensor.PartPresent);
        Assert.Equal(0, sensor.Parts);
        Assert.Equal(1, sensor.Glitches);
    }

    [Fact]
    public void Each_part_must_leave_before_the_next_counts()
    {
        using var sensor = Sensor(debounceMs: 10);

        for (int i = 0; i < 3; i++)
        {
            _driver.Drive(Pin, PinValue.High);
            _time.Advance(Ms(10));
            Assert.Equal(i + 1, _parts.Count);
            _driver.Drive(Pin, PinValue.Low);
            _time.Advance(Ms(10));
            Assert.False(sensor.PartPresent);
        }

        Assert.Equal([1L, 2L, 3L], _parts.Select(p => p.Sequence));
        Assert.Equal(3, sensor.Parts);
        Assert.Equal(0, sensor.Glitches);
    }

    [Fact]
    public void A_falling_edge_sensor_counts_parts_when_the_input_goes_low()
    {
        _driver.Drive(Pin, PinValue.High); // An NPN sensor idles high.
        using var sensor = Sensor(SensorEdge.Falling, debounceMs: 10);
        Assert.False(sensor.PartPresent);

        _driver.Drive(Pin, PinValue.Low);
        _time.Advance(Ms(10));
        Assert.Single(_parts);
        Assert.True(sensor.PartPresent);
        _driver.Drive(Pin, PinValue.High);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Single(_parts);
        Assert.False(sensor.PartPresent);
    }

    [Fact]
    public void Zero_debounce_reports_the_part_on_the_edge_itself()
    {
        using var sensor = Sensor(debounceMs: 0);
        long edge = _time.GetTimestamp();

        _driver.Drive(Pin, PinValue.High);

        var part = Assert.Single(_parts);
        Assert.Equal(edge, part.EdgeTimestamp);
        Assert.Equal(edge, part.ConfirmedTimestamp);
    }

    [Fact]
    public void Options_validation_names_a_debounce_out_of_range()
    {
        var result = new PartSensorOptionsValidator().Validate(null, new PartSensorOptions { Debounce = TimeSpan.FromSeconds(5) });

        Assert.True(result.Failed);
        Assert.Contains("Debounce", result.FailureMessage, StringComparison.Ordinal);
    }
}
