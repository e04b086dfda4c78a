using System.Device.Gpio;
using System.Diagnostics;

namespace EdgeInspector.Gpio.Tests;

public sealed class LightStrobeTests : IDisposable
{
    private readonly RecordingGpioDriver _driver = new();
    private readonly GpioController _controller;

    public LightStrobeTests() => _controller = new GpioController(_driver);

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

    private List<GpioEdge> EdgesSince(int count) => [.. _driver.Edges.Skip(count)];

    /// <summary>A capture that notes when it ran.</summary>
    private sealed class TimedCapture
    {
        public long Start { get; private set; }

        public long End { get; private set; }

        public async ValueTask<int> Run(CancellationToken token)
        {
            Start = Stopwatch.GetTimestamp();
            await Task.Delay(5, token);
            End = Stopwatch.GetTimestamp();
            return 42;
        }
    }

    [Fact]
    public void Opening_the_strobe_drives_the_line_off()
    {
        using var strobe = new LightStrobe(Options(), _controller);

        var edge = Assert.Single(_driver.Edges);
        Assert.Equal(7, edge.Pin);
        Assert.Equal(PinValue.Low, edge.Value);
        Assert.Equal(PinMode.Output, _controller.GetPinMode(7));
        Assert.Equal("gpio:7", strobe.Mode);
    }

    [Fact]
    public async Task Each_capture_is_bracketed_by_on_then_off()
    {
        using var strobe = new LightStrobe(Options(), _controller);

        for (int i = 0; i < 3; i++)
        {
            int before = _driver.Edges.Count;
            var capture = new TimedCapture();

            int result = await strobe.BracketAsync(capture.Run, CancellationToken.None);

            Assert.Equal(42, result);
            var edges = EdgesSince(before);
            Assert.Equal(2, edges.Count);
            Assert.Equal(PinValue.High, edges[0].Value);
            Assert.Equal(PinValue.Low, edges[1].Value);
            Assert.All(edges, e => Assert.Equal(7, e.Pin));
            Assert.True(edges[0].Timestamp <= capture.Start, "light went on after the capture started");
            Assert.True(edges[1].Timestamp >= capture.End, "light went off before the capture ended");
        }

        Assert.Equal(3, strobe.Strobes);
        Assert.Equal(PinValue.Low, _controller.Read(7));
    }

    [Fact]
    public async Task Active_low_inverts_the_levels()
    {
        using var strobe = new LightStrobe(Options(activeHigh: false), _controller);
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
        const int leadMs = 60;
        using var strobe = new LightStrobe(Options(leadMs: leadMs), _controller);
        var capture = new TimedCapture();

        await strobe.BracketAsync(capture.Run, CancellationToken.None);

        var on = EdgesSince(1)[0];
        Assert.Equal(PinValue.High, on.Value);
        var lead = Stopwatch.GetElapsedTime(on.Timestamp, capture.Start);
        // A few ms of slack for timer granularity; the point is that the wait happens at all.
        Assert.True(lead >= TimeSpan.FromMilliseconds(leadMs - 5), $"capture started {lead.TotalMilliseconds} ms after light on, lead is {leadMs} ms");
    }

    [Fact]
    public async Task Max_on_time_turns_the_light_off_while_a_capture_hangs()
    {
        using var strobe = new LightStrobe(Options(maxOnMs: 50), _controller);
        var hung = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

        var bracket = strobe.BracketAsync(_ => new ValueTask<int>(hung.Task), CancellationToken.None).AsTask();

        // Wait (generously) for the guard's off edge while the capture is still pending.
        var deadline = Stopwatch.StartNew();
        while (EdgesSince(1).Count < 2 && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        var edges = EdgesSince(1);
        Assert.False(bracket.IsCompleted);
        Assert.Equal([PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.Equal(PinValue.Low, _controller.Read(7));
        var onFor = Stopwatch.GetElapsedTime(edges[0].Timestamp, edges[1].Timestamp);
        Assert.True(onFor >= TimeSpan.FromMilliseconds(40), $"guard fired after {onFor.TotalMilliseconds} ms, bound is 50 ms");

        hung.SetResult(7);
        Assert.Equal(7, await bracket);
        Assert.Equal(PinValue.Low, _controller.Read(7));
        Assert.Equal(PinValue.Low, _driver.Edges.Last().Value);
    }

    [Fact]
    public async Task The_guard_does_not_fire_after_a_capture_that_finished_in_time()
    {
        using var strobe = new LightStrobe(Options(maxOnMs: 30), _controller);
        await strobe.BracketAsync(_ => ValueTask.FromResult(1), CancellationToken.None);
        int after = _driver.Edges.Count;

        await Task.Delay(150);

        Assert.Equal(after, _driver.Edges.Count);
    }

    [Fact]
    public async Task A_failing_capture_still_turns_the_light_off()
    {
        using var strobe = new LightStrobe(Options(), _controller);

        await Assert.ThrowsAsync<TimeoutException>(async () =>
            await strobe.BracketAsync<int>(_ => throw new TimeoutException("camera"), CancellationToken.None));

        Assert.Equal([PinValue.High, PinValue.Low], EdgesSince(1).Select(e => e.Value));
    }

    [Fact]
    public async Task Cancellation_during_the_lead_time_turns_the_light_off_without_capturing()
    {
        using var strobe = new LightStrobe(Options(leadMs: 1000), _controller);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(20));
        bool captured = false;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
            await strobe.BracketAsync(
                _ =>
                {
                    captured = true;
                    return ValueTask.FromResult(0);
                },
                cts.Token));

        Assert.False(captured);
        Assert.Equal(PinValue.Low, _controller.Read(7));
        Assert.Equal(PinValue.Low, _driver.Edges.Last().Value);
    }

    [Fact]
    public async Task Mode_off_runs_the_capture_and_writes_nothing()
    {
        var options = Options();
        options.Mode = LightMode.Off;
        using var strobe = new LightStrobe(options, _controller);

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
        using var strobe = new LightStrobe(options, _controller);

        await strobe.BracketAsync(_ => ValueTask.FromResult(0), CancellationToken.None);

        Assert.All(_driver.Edges, e => Assert.Equal(144, e.Pin));
        Assert.Equal(3, _driver.Edges.Count);
        Assert.Equal("gpio:7", strobe.Mode);
    }

    [Fact]
    public void Dispose_turns_the_light_off_and_closes_the_pin()
    {
        var strobe = new LightStrobe(Options(activeHigh: false), _controller);

        strobe.Dispose();

        Assert.Equal(PinValue.High, _driver.Edges.Last().Value);
        Assert.False(_controller.IsPinOpen(7));
    }
}
