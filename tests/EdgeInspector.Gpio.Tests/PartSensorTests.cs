using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Diagnostics;

namespace EdgeInspector.Gpio.Tests;

public sealed class PartSensorTests : IDisposable
{
    private const int Pin = 11;
    private readonly RecordingGpioDriver _driver = new();
    private readonly GpioController _controller;
    private readonly ConcurrentQueue<PartDetected> _parts = new();

    public PartSensorTests() => _controller = new GpioController(_driver);

    public void Dispose() => _controller.Dispose();

    private PartSensor Sensor(SensorEdge edge = SensorEdge.Rising, int debounceMs = 20) => new(
        new PartSensorOptions { Enabled = true, Pin = Pin, Edge = edge, Debounce = TimeSpan.FromMilliseconds(debounceMs) },
        _controller,
        GpioDriverKind.Recording,
        _parts.Enqueue);

    private static async Task WaitUntilAsync(Func<bool> condition, int timeoutMs = 3000)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!condition() && stopwatch.ElapsedMilliseconds < timeoutMs)
        {
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task A_clean_edge_counts_one_part_after_the_debounce_time()
    {
        using var sensor = Sensor(debounceMs: 20);
        long edge = Stopwatch.GetTimestamp();

        _driver.Drive(Pin, PinValue.High);
        await WaitUntilAsync(() => !_parts.IsEmpty);

        var part = Assert.Single(_parts);
        Assert.Equal(1, part.Sequence);
        Assert.InRange(part.EdgeTimestamp, edge, Stopwatch.GetTimestamp());
        Assert.True(Stopwatch.GetElapsedTime(part.EdgeTimestamp, part.ConfirmedTimestamp) >= TimeSpan.FromMilliseconds(18), "confirmed only after the level held for the debounce time");
        Assert.True(sensor.PartPresent);
    }

    [Fact]
    public async Task Contact_bounce_counts_as_one_part()
    {
        using var sensor = Sensor(debounceMs: 30);

        foreach (var level in new[] { PinValue.High, PinValue.Low, PinValue.High, PinValue.Low, PinValue.High })
        {
            _driver.Drive(Pin, level);
            Thread.Sleep(2);
        }

        await WaitUntilAsync(() => !_parts.IsEmpty);
        await Task.Delay(100);

        Assert.Single(_parts);
        Assert.InRange(sensor.Glitches, 1, 4); // 4 unless the machine stalled past the debounce mid-bounce.
    }

    [Fact]
    public async Task A_glitch_shorter_than_the_debounce_is_ignored()
    {
        using var sensor = Sensor(debounceMs: 30);

        _driver.Drive(Pin, PinValue.High);
        Thread.Sleep(3);
        _driver.Drive(Pin, PinValue.Low);
        await Task.Delay(150);

        Assert.Empty(_parts);
        Assert.False(sensor.PartPresent);
        Assert.Equal(0, sensor.Parts);
    }

    [Fact]
    public async Task Each_part_must_leave_before_the_next_counts()
    {
        using var sensor = Sensor(debounceMs: 10);

        for (int i = 0; i < 3; i++)
        {
            _driver.Drive(Pin, PinValue.High);
            await WaitUntilAsync(() => _parts.Count == i + 1);
            _driver.Drive(Pin, PinValue.Low);
            await WaitUntilAsync(() => !sensor.PartPresent);
        }

        Assert.Equal([1L, 2L, 3L], _parts.Select(p => p.Sequence));
        Assert.Equal(3, sensor.Parts);
    }

    [Fact]
    public async Task A_falling_edge_sensor_counts_parts_when_the_input_goes_low()
    {
        _driver.Drive(Pin, PinValue.High); // An NPN sensor idles high.
        using var sensor = Sensor(SensorEdge.Falling, debounceMs: 10);
        Assert.False(sensor.PartPresent);

        _driver.Drive(Pin, PinValue.Low);
        await WaitUntilAsync(() => !_parts.IsEmpty);
        _driver.Drive(Pin, PinValue.High);
        await WaitUntilAsync(() => !sensor.PartPresent);
        await Task.Delay(30);

        Assert.Single(_parts);
        Assert.False(sensor.PartPresent);
    }

    [Fact]
    public void Zero_debounce_reports_the_part_on_the_edge_itself()
    {
        using var sensor = Sensor(debounceMs: 0);

        _driver.Drive(Pin, PinValue.High);

        Assert.Single(_parts);
    }

    [Fact]
    public void Options_validation_names_a_debounce_out_of_range()
    {
        var result = new PartSensorOptionsValidator().Validate(null, new PartSensorOptions { Debounce = TimeSpan.FromSeconds(5) });

        Assert.True(result.Failed);
        Assert.Contains("Debounce", result.FailureMessage, StringComparison.Ordinal);
    }
}
