using System.Device.Gpio;
using EdgeInspector.Core;
using Microsoft.Extensions.Time.Testing;

namespace EdgeInspector.Gpio.Tests;

/// <summary>
/// The output's thread on a fake clock: the test moves the clock onto each due time and waits for
/// the edge, so every edge is stamped exactly when it was due, whatever the machine's load. The
/// merge of overlapping pulses writes no edge a test could wait on between its steps, so it is
/// pinned down on plain timestamps in <see cref="RejectScheduleTests"/>.
/// </summary>
public sealed class RejectOutputTests : IDisposable
{
    private const int Pin = 13;
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingGpioDriver _driver;
    private readonly GpioController _controller;
    private readonly DateTimeOffset _startTime;
    private readonly long _start;

    // Fails a broken test instead of hanging it; no assertion depends on it.
    private readonly CancellationTokenSource _hang = new(TimeSpan.FromSeconds(60));

    public RejectOutputTests()
    {
        _driver = new RecordingGpioDriver(time: _time);
        _controller = new GpioController(_driver);
        _startTime = _time.GetUtcNow();
        _start = _time.GetTimestamp();
    }

    public void Dispose()
    {
        _controller.Dispose();
        _hang.Dispose();
    }

    private RejectOutput Output(int delayMs = 100, int widthMs = 30, bool rejectErrors = false, bool activeHigh = true) => new(
        new RejectOptions
        {
            Enabled = true,
            Pin = Pin,
            ActiveHigh = activeHigh,
            Delay = TimeSpan.FromMilliseconds(delayMs),
            PulseWidth = TimeSpan.FromMilliseconds(widthMs),
            RejectErrors = rejectErrors,
        },
        _controller,
        GpioDriverKind.Recording,
        _time);

    private long At(int ms) => _start + (ms * _time.TimestampFrequency / 1000);

    private List<GpioEdge> PinEdges() => [.. _driver.Edges.Where(e => e.Pin == Pin)];

    /// <summary>Moves the clock to <paramref name="ms"/> after the start and waits for the edge the output writes then.</summary>
    private async Task<GpioEdge> EdgeAtAsync(int ms)
    {
        int seen = _driver.Edges.Count;
        _time.SetUtcNow(_startTime + TimeSpan.FromMilliseconds(ms));
        await _driver.WaitForEdgesAsync(seen + 1, _hang.Token);
        var edge = _driver.Edges.ElementAt(seen);
        Assert.Equal(At(ms), edge.Timestamp);
        return edge;
    }

    [Fact]
    public async Task An_NG_part_gets_one_pulse_after_the_conveyor_delay()
    {
        using var output = Output(delayMs: 100, widthMs: 30);

        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, At(0)));
        _time.Advance(TimeSpan.FromMilliseconds(99)); // Inside the last stretch the thread spins through.
        var on = await EdgeAtAsync(100);
        var off = await EdgeAtAsync(130);

        Assert.Equal(PinValue.High, on.Value);
        Assert.Equal(PinValue.Low, off.Value);
        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low], PinEdges().Select(e => e.Value)); // Off when opened, then the pulse.
        Assert.Equal(1, output.Pulses);
    }

    [Fact]
    public async Task Ok_parts_never_pulse_and_errors_pulse_only_when_configured()
    {
        using (var output = Output(delayMs: 10, widthMs: 10))
        {
            Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Ok, At(0)));
            Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Error, At(0)));
            Assert.Equal(0, output.Pulses);
        }

        Assert.DoesNotContain(PinEdges(), e => e.Value == PinValue.High);
        using var strict = Output(delayMs: 10, widthMs: 10, rejectErrors: true);
        Assert.Equal(RejectDecision.Scheduled, strict.Submit(VerdictKind.Error, At(0)));
        Assert.Equal(PinValue.High, (await EdgeAtAsync(10)).Value);
        Assert.Equal(PinValue.Low, (await EdgeAtAsync(20)).Value);
    }

    [Fact]
    public async Task Several_parts_in_flight_each_get_their_own_pulse_on_time()
    {
        using var output = Output(delayMs: 150, widthMs: 20);

        // Parts at 0, 60 (OK), 120 and 200 ms; verdicts arrive out of order, all before the first is due.
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, At(120)));
        Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Ok, At(60)));
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, At(0)));
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, At(200)));

        foreach (int partMs in new[] { 0, 120, 200 })
        {
            Assert.Equal(PinValue.High, (await EdgeAtAsync(partMs + 150)).Value);
            Assert.Equal(PinValue.Low, (await EdgeAtAsync(partMs + 170)).Value);
        }

        Assert.Equal(7, PinEdges().Count);
        Assert.Equal(3, output.Pulses);
    }

    [Fact]
    public async Task Stopping_fires_the_pulses_already_scheduled_before_the_pin_closes()
    {
        var output = Output(delayMs: 100, widthMs: 30);
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, At(0)));

        var disposing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopping = Task.Run(() =>
        {
            disposing.SetResult();
            output.Dispose();
        });
        await disposing.Task.WaitAsync(_hang.Token); // Stop before the pulse is due, as at a shutdown.
        Assert.Equal(PinValue.High, (await EdgeAtAsync(100)).Value);
        Assert.False(stopping.IsCompleted); // Still holding the pin for the pulse's off edge.
        Assert.Equal(PinValue.Low, (await EdgeAtAsync(130)).Value);
        await stopping.WaitAsync(_hang.Token);

        // Off when opened, the pulse, off again as the pin closes.
        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low, PinValue.Low], PinEdges().Select(e => e.Value));
        Assert.Throws<ObjectDisposedException>(() => output.Submit(VerdictKind.Ng, At(130)));
    }

    [Fact]
    public void A_verdict_after_the_part_passed_the_actuator_is_late_and_does_not_pulse()
    {
        using var output = Output(delayMs: 20, widthMs: 10);
        _time.Advance(TimeSpan.FromMilliseconds(30));

        Assert.Equal(RejectDecision.Late, output.Submit(VerdictKind.Ng, At(0)));

        Assert.Equal(1, output.Late);
        Assert.Equal(0, output.Pulses);
        Assert.DoesNotContain(PinEdges(), e => e.Value == PinValue.High);
    }

    [Fact]
    public async Task Active_low_actuator_idles_high_and_pulses_low()
    {
        using (var output = Output(delayMs: 10, widthMs: 10, activeHigh: false))
        {
            output.Submit(VerdictKind.Ng, At(0));
            await EdgeAtAsync(10);
            await EdgeAtAsync(20);
        }

        Assert.Equal([PinValue.High, PinValue.Low, PinValue.High, PinValue.High], PinEdges().Select(e => e.Value));
    }

    [Fact]
    public void A_disabled_output_touches_no_pin()
    {
        using var output = new RejectOutput(new RejectOptions { Enabled = false }, null, GpioDriverKind.Recording, _time);

        Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Ng, At(0)));
        Assert.Empty(_driver.Edges);
    }
}
