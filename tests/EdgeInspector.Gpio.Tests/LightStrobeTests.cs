using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;

namespace EdgeInspector.Gpio.Tests;

/// <summary>The strobe on a fake clock: lead time and on-time guard act exactly when the test moves the clock there.</summary>
public sealed class LightStrobeTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingGpioDriver _driver;
    private readonly GpioController _controller;

    public LightStrobeTests()
    {
        _driver = new RecordingGpioDriver(time: _time);
        _controller = new GpioController(_driver);
    }

    public void Dispose() => _controller.Dispose();

    private static LightOptions Options(bool activeHigh = true, int leadMs = 0, int maxOnMs = 5000) => new()
    {
        Mode = LightMode.Gpio,
        Driver = GpioDriverKind.Recording,
        Pin = 7,
        ActiveHigh = activeHigh,
        LeadTime = TimeSpan.FromMilliseconds(leadMs),
        MaxOnTime = TimeSpan.FromMilliseconds(maxOnMs),
    };

    private LightStrobe Strobe(LightOptions options) => new(options, _controller, _time);

    private List<GpioEdge> EdgesSince(int count) => [.. _driver.Edges.Skip(count)];

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    /// <summary>A capture that takes 5 ms of the fake clock and notes when it ran.</summary>
    private sealed class TimedCapture(FakeTimeProvider time)
    {
        public long Start { get; private set; }

        public long End { get; private set; }

        public ValueTask<int> Run(CancellationToken token)
        {
            Start = time.GetTimestamp();
            time.Advance(Ms(5));
            End = time.GetTimestamp();
            return ValueTask.FromResult(42);
        }
    }

    [Fact]
    public void Opening_the_strobe_drives_the_line_off()
    {
        using var strobe = Strobe(Options());

        var edge = Assert.Single(_driver.Edges);
        Assert.Equal(7, edge.Pin);
        Assert.Equal(PinValue.Low, edge.Value);
        Assert.Equal(PinMode.Output, _controller.GetPinMode(7));
        Assert.Equal("gpio:7", strobe.Mode);
    }

    [Fact]
    public async Task Each_capture_is_bracketed_by_on_then_off()
    {
        using var strobe = Strobe(Options());

        for (int i = 0; i < 3; i++)
        {
            int before = _driver.Edges.Count;
            var capture = new TimedCapture(_time);

            int result = await strobe.BracketAsync(capture.Run, CancellationToken.None);

            Assert.Equal(42, result);
            var edges = EdgesSince(before);
            Assert.Equal(2, edges.Count);
            Assert.Equal(PinValue.High, edges[0].Value);
            Assert.Equal(PinValue.Low, edges[1].Value);
            Assert.All(edges, e => Assert.Equal(7, e.Pin));
            Assert.Equal(capture.Start, edges[0].Timestamp);
            Assert.Equal(capture.End, edges[1].Timestamp);
            _time.Advance(Ms(20));
        }

        Assert.Equal(3, strobe.Strobes);
        Assert.Equal(PinValue.Low, _controller.Read(7));
    }

    [Fact]
    public async Task Active_low_inverts_the_levels()
    {
        using var strobe = Strobe(Options(activeHigh: false));
        Assert.Equal(PinValue.High, Assert.Single(_driver.Edges).Value);
        PinValue during = PinValue.Low;

        await strobe.BracketAsync(
            _ =>
            {
                during = _controller.Read(7);
                return ValueTask.FromResult(0);
            },
            CancellationToken.None);

        var edges = EdgesSince(1);
        Assert.Equal([PinValue.Low, PinValue.High], edges.Select(e => e.Value));
        Assert.Equal(PinValue.Low, during);
        Assert.Equal(PinValue.High, _controller.Read(7));
    }

    [Fact]
    public async Task Lead_time_passes_between_light_on_and_capture_start()
    {
        using var strobe = Strobe(Options(leadMs: 60));
        long? captureStart = null;

        var bracket = strobe.BracketAsync(
            _ =>
            {
                captureStart = _time.GetTimestamp();
                return ValueTask.FromResult(0);
            },
            CancellationToken.None).AsTask();
        _time.Advance(Ms(60) - OneTick);
        Assert.Null(captureStart);
        _time.Advance(OneTick);
        await bracket;

        var on = EdgesSince(1)[0];
        Assert.Equal(PinValue.High, on.Value);
        Assert.Equal(Ms(60), _time.GetElapsedTime(on.Timestamp, captureStart!.Value));
    }

    [Fact]
    public async Task Max_on_time_turns_the_light_off_while_a_capture_hangs()
    {
        using var strobe = Strobe(Options(maxOnMs: 50));
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        var bracket = strobe.BracketAsync(_ => new ValueTask<int>(hung.Task), CancellationToken.None).AsTask();
        _time.Advance(Ms(50) - OneTick);
        Assert.Single(EdgesSince(1));
        _time.Advance(OneTick);

        var edges = EdgesSince(1);
        Assert.False(bracket.IsCompleted);
        Assert.Equal([PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.Equal(PinValue.Low, _controller.Read(7));
        Assert.Equal(Ms(50), _time.GetElapsedTime(edges[0].Timestamp, edges[1].Timestamp));

        hung.SetResult(7);
        Assert.Equal(7, await bracket);
        Assert.Equal(PinValue.Low, _controller.Read(7));
        Assert.Equal(PinValue.Low, _driver.Edges.Last().Value);
    }

    /// <summary>The guard on the real clock, as on the device: ordering only, so load cannot fail it.</summary>
    [Fact]
    public async Task On_the_system_clock_the_guard_still_ends_a_hung_strobe()
    {
        var driver = new RecordingGpioDriver();
        using var controller = new GpioController(driver);
        using var strobe = new LightStrobe(Options(maxOnMs: 20), controller);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var hang = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var bracket = strobe.BracketAsync(_ => new ValueTask<int>(hung.Task), CancellationToken.None).AsTask();
        await driver.WaitForEdgesAsync(3, hang.Token);

        Assert.False(bracket.IsCompleted);
        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low], driver.Edges.Select(e => e.Value));
        hung.SetResult(1);
        await bracket;
    }

    [Fact]
    public async Task The_guard_does_not_fire_after_a_capture_that_finished_in_time()
    {
        using var strobe = Strobe(Options(maxOnMs: 30));
        await strobe.BracketAsync(_ => ValueTask.FromResult(1), CancellationToken.None);
        int after = _driver.Edges.Count;

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(after, _driver.Edges.Count);
    }

    [Fact]
    public async Task A_failing_capture_still_turns_the_light_off()
    {
        using var strobe = Strobe(Options());

        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await strobe.BracketAsync<int>(_ => throw new TimeoutException("camera"), CancellationToken.None));

        Assert.Equal([PinValue.High, PinValue.Low], EdgesSince(1).Select(e => e.Value));
    }

    [Fact]
    public async Task Cancellation_during_the_lead_time_turns_the_light_off_without_capturing()
    {
        using var strobe = Strobe(Options(leadMs: 1000));
        using var cts = new CancellationTokenSource();
        bool captured = false;

        var bracket = strobe.BracketAsync(
            _ =>
            {
                captured = true;
                return ValueTask.FromResult(0);
            },
            cts.Token).AsTask();
        _time.Advance(Ms(20));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bracket);
        Assert.False(captured);
        Assert.Equal(PinValue.Low, _controller.Read(7));
        var edges = EdgesSince(1);
        Assert.Equal([PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.Equal(Ms(20), _time.GetElapsedTime(edges[0].Timestamp, edges[1].Timestamp));
    }

    [Fact]
    public async Task Mode_off_runs_the_capture_and_writes_nothing()
    {
        var options = Options();
        options.Mode = LightMode.Off;
        using var strobe = Strobe(options);

        int result = await strobe.BracketAsync(_ => ValueTask.FromResult(5), CancellationToken.None);

        Assert.Equal(5, result);
        Assert.Empty(_driver.Edges);
        Assert.False(_controller.IsPinOpen(7));
        Assert.Equal("off", strobe.Mode);
        Assert.Equal(0, strobe.Strobes);
    }

    [Fact]
    public void Mode_off_needs_no_controller()
    {
        var options = Options();
        options.Mode = LightMode.Off;

        using var strobe = new LightStrobe(options, controller: null);

        Assert.Equal("off", strobe.Mode);
    }

    [Fact]
    public void Gpio_mode_without_a_controller_is_refused()
    {
        var e = Assert.Throws<ArgumentNullException>(() => new LightStrobe(Options(), controller: null));

        Assert.Contains("Light:Mode=Gpio", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Libgpiod_driver_maps_the_header_pin_to_its_line()
    {
        var options = Options();
        options.Driver = GpioDriverKind.Libgpiod;
        using var strobe = Strobe(options);

        await strobe.BracketAsync(_ => ValueTask.FromResult(0), CancellationToken.None);

        Assert.All(_driver.Edges, e => Assert.Equal(144, e.Pin));
        Assert.Equal(3, _driver.Edges.Count);
        Assert.Equal("gpio:7", strobe.Mode);
    }

    [Fact]
    public void Dispose_turns_the_light_off_and_closes_the_pin()
    {
        var strobe = Strobe(Options(activeHigh: false));

        strobe.Dispose();

        Assert.Equal(PinValue.High, _driver.Edges.Last().Value);
        Assert.False(_controller.IsPinOpen(7));
    }
}
