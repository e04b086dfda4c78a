using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;

namespace EdgeInspector.Gpio.Tests;

public sealed class RecordingGpioDriverTests : IDisposable
{
    private readonly RecordingGpioDriver _driver = new(pinCount: 64);
    private readonly GpioController _controller;

    public RecordingGpioDriverTests() => _controller = new GpioController(_driver);

    public void Dispose() => _controller.Dispose();

    [Theory]
    [InlineData(3, 5)]
    [InlineData(100, 250)] // grown from 64 to 100, then wrapped
    public async Task Only_the_last_edges_are_kept_so_a_long_run_does_not_grow_with_every_part(int kept, int written)
    {
        var driver = new RecordingGpioDriver(pinCount: 8, kept: kept);
        using var controller = new GpioController(driver);
        for (int pin = 0; pin < 8; pin++)
        {
            controller.OpenPin(pin, PinMode.Output);
        }

        for (int i = 0; i < written; i++)
        {
            controller.Write(i % 8, PinValue.High);
        }

        Assert.Equal(Enumerable.Range(written - kept, kept).Select(i => i % 8), driver.Edges.Select(e => e.Pin));
        Assert.Equal(written, driver.Recorded);
        await driver.WaitForEdgesAsync(written, CancellationToken.None); // counts what was written, not what is kept
    }

    [Fact]
    public void Drive_fires_a_registered_callback_on_the_matching_edge()
    {
        _controller.OpenPin(5, PinMode.Input);
        var seen = new List<(int Pin, PinEventTypes Type)>();
        _controller.RegisterCallbackForPinValueChangedEvent(5, PinEventTypes.Rising | PinEventTypes.Falling, (_, e) => seen.Add((e.PinNumber, e.ChangeType)));

        _driver.Drive(5, PinValue.High);
        _driver.Drive(5, PinValue.High);
        _driver.Drive(5, PinValue.Low);

        // The repeated High is no edge.
        Assert.Equal([(5, PinEventTypes.Rising), (5, PinEventTypes.Falling)], seen);
        Assert.Equal(PinValue.Low, _controller.Read(5));
    }

    [Fact]
    public void Callbacks_only_fire_for_the_registered_edge_type()
    {
        _controller.OpenPin(6, PinMode.Input);
        int falls = 0;
        _controller.RegisterCallbackForPinValueChangedEvent(6, PinEventTypes.Falling, (_, _) => falls++);

        _driver.Drive(6, PinValue.High);
        Assert.Equal(0, falls);
        _driver.Drive(6, PinValue.Low);
        Assert.Equal(1, falls);
    }

    [Fact]
    public void Drive_reaches_Read_without_a_callback()
    {
        _controller.OpenPin(8, PinMode.Input);

        _driver.Drive(8, PinValue.High);

        Assert.Equal(PinValue.High, _controller.Read(8));
    }

    [Fact]
    public void Writes_are_recorded_in_order_stamped_from_the_drivers_clock()
    {
        var time = new FakeTimeProvider();
        var driver = new RecordingGpioDriver(time: time);
        using var controller = new GpioController(driver);
        controller.OpenPin(3, PinMode.Output);
        long start = time.GetTimestamp();

        controller.Write(3, PinValue.High);
        time.Advance(TimeSpan.FromMilliseconds(7));
        controller.Write(3, PinValue.Low);

        Assert.Equal([(PinValue.High, start), (PinValue.Low, start + (7 * time.TimestampFrequency / 1000))], driver.Edges.Select(e => (e.Value, e.Timestamp)));
        Assert.Equal(PinValue.Low, controller.Read(3));
    }

    [Fact]
    public async Task WaitForEdgesAsync_completes_once_the_count_is_recorded()
    {
        _controller.OpenPin(3, PinMode.Output);
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var wait = _driver.WaitForEdgesAsync(2, hang.Token);
        _controller.Write(3, PinValue.High);
        Assert.False(wait.IsCompleted);
        await Task.Run(() => _controller.Write(3, PinValue.Low));

        await wait;
        await _driver.WaitForEdgesAsync(1, hang.Token); // Already there: returns at once.
    }

    [Fact]
    public async Task WaitForEdgesAsync_stops_on_cancellation()
    {
        using var cts = new CancellationTokenSource();

        var wait = _driver.WaitForEdgesAsync(1, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public void Writing_an_input_pin_records_no_edge()
    {
        _controller.OpenPin(4, PinMode.Input);

        // GpioController drops writes to a pin that is not an output; nothing may reach the record.
        try
        {
            _controller.Write(4, PinValue.High);
        }
        catch (InvalidOperationException)
        {
        }

        Assert.Empty(_driver.Edges);
        Assert.Equal(PinValue.Low, _controller.Read(4));
    }

    [Fact]
    public void Pins_outside_the_driver_are_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => _controller.OpenPin(64, PinMode.Output));
    }

    [Fact]
    public async Task WaitForEvent_returns_when_the_pin_is_driven()
    {
        _controller.OpenPin(9, PinMode.Input);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var wait = Task.Run(() => _controller.WaitForEvent(9, PinEventTypes.Rising, cts.Token));
        // Drive until the waiter sees it: it may not have registered yet on the first try.
        while (!wait.IsCompleted)
        {
            _driver.Drive(9, PinValue.High);
            _driver.Drive(9, PinValue.Low);
            await Task.Delay(10);
        }

        var result = await wait;
        Assert.False(result.TimedOut);
        Assert.Equal(PinEventTypes.Rising, result.EventTypes);
    }

    [Fact]
    public void WaitForEvent_times_out_when_nothing_happens()
    {
        _controller.OpenPin(10, PinMode.Input);

        var result = _controller.WaitForEvent(10, PinEventTypes.Rising, TimeSpan.FromMilliseconds(30));

        Assert.True(result.TimedOut);
    }
}
