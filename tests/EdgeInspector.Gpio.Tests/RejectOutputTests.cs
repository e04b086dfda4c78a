using System.Device.Gpio;
using System.Diagnostics;
using EdgeInspector.Core;

namespace EdgeInspector.Gpio.Tests;

public sealed class RejectOutputTests : IDisposable
{
    private const int Pin = 13;
    private readonly RecordingGpioDriver _driver = new();
    private readonly GpioController _controller;

    public RejectOutputTests() => _controller = new GpioController(_driver);

    public void Dispose() => _controller.Dispose();

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
        GpioDriverKind.Recording);

    private List<GpioEdge> PinEdges() => [.. _driver.Edges.Where(e => e.Pin == Pin)];

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    [Fact]
    public async Task An_NG_part_gets_one_pulse_after_the_conveyor_delay()
    {
        using var output = Output(delayMs: 100, widthMs: 30);
        long part = Stopwatch.GetTimestamp();

        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, part));
        await Task.Delay(400);

        var edges = PinEdges();
        Assert.Equal(3, edges.Count); // Off when opened, then on, off.
        Assert.Equal([PinValue.Low, PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.InRange(Ms(part, edges[1].Timestamp), 95, 160);
        Assert.InRange(Ms(edges[1].Timestamp, edges[2].Timestamp), 27, 80);
        Assert.Equal(1, output.Pulses);
    }

    [Fact]
    public async Task Ok_parts_never_pulse_and_errors_pulse_only_when_configured()
    {
        using (var output = Output(delayMs: 10, widthMs: 10))
        {
            long now = Stopwatch.GetTimestamp();
            Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Ok, now));
            Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Error, now));
            await Task.Delay(100);
            Assert.DoesNotContain(PinEdges(), e => e.Value == PinValue.High);
            Assert.Equal(0, output.Pulses);
        }

        using var strict = Output(delayMs: 10, widthMs: 10, rejectErrors: true);
        Assert.Equal(RejectDecision.Scheduled, strict.Submit(VerdictKind.Error, Stopwatch.GetTimestamp()));
        await Task.Delay(100);
        Assert.Single(PinEdges(), e => e.Value == PinValue.High);
    }

    [Fact]
    public async Task Several_parts_in_flight_each_get_their_own_pulse_on_time()
    {
        using var output = Output(delayMs: 150, widthMs: 20);
        long start = Stopwatch.GetTimestamp();
        long Tick(int ms) => start + (long)(ms / 1000.0 * Stopwatch.Frequency);

        // Parts at 0, 60 (OK), 120 and 200 ms; verdicts arrive out of order, all before the first is due.
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, Tick(120)));
        Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Ok, Tick(60)));
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, Tick(0)));
        Assert.Equal(RejectDecision.Scheduled, output.Submit(VerdictKind.Ng, Tick(200)));
        await Task.Delay(700);

        var highs = PinEdges().Where(e => e.Value == PinValue.High).ToList();
        var lows = PinEdges().Where(e => e.Value == PinValue.Low).Skip(1).ToList();
        Assert.Equal(3, highs.Count);
        Assert.Equal(3, lows.Count);
        double[] expected = [150, 270, 350];
        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(Ms(start, highs[i].Timestamp), expected[i] - 5, expected[i] + 50);
            Assert.InRange(Ms(highs[i].Timestamp, lows[i].Timestamp), 17, 60);
        }
    }

    [Fact]
    public async Task Overlapping_pulses_merge_into_one_that_ends_with_the_last()
    {
        using var output = Output(delayMs: 50, widthMs: 60);
        long start = Stopwatch.GetTimestamp();

        output.Submit(VerdictKind.Ng, start);
        output.Submit(VerdictKind.Ng, start + (long)(0.03 * Stopwatch.Frequency));
        await Task.Delay(400);

        var edges = PinEdges().Skip(1).ToList();
        Assert.Equal([PinValue.High, PinValue.Low], edges.Select(e => e.Value));
        Assert.InRange(Ms(start, edges[1].Timestamp), 135, 200); // 30 + 50 + 60 ms.
    }

    [Fact]
    public void A_verdict_after_the_part_passed_the_actuator_is_late_and_does_not_pulse()
    {
        using var output = Output(delayMs: 20, widthMs: 10);
        long longAgo = Stopwatch.GetTimestamp() - Stopwatch.Frequency;

        Assert.Equal(RejectDecision.Late, output.Submit(VerdictKind.Ng, longAgo));

        Assert.Equal(1, output.Late);
        Assert.DoesNotContain(PinEdges(), e => e.Value == PinValue.High);
    }

    [Fact]
    public async Task Active_low_actuator_idles_high_and_pulses_low()
    {
        using (var output = Output(delayMs: 10, widthMs: 10, activeHigh: false))
        {
            output.Submit(VerdictKind.Ng, Stopwatch.GetTimestamp());
            await Task.Delay(150);
        }

        Assert.Equal([PinValue.High, PinValue.Low, PinValue.High, PinValue.High], PinEdges().Select(e => e.Value));
    }

    [Fact]
    public void A_disabled_output_touches_no_pin()
    {
        using var output = new RejectOutput(new RejectOptions { Enabled = false }, null, GpioDriverKind.Recording);

        Assert.Equal(RejectDecision.Pass, output.Submit(VerdictKind.Ng, Stopwatch.GetTimestamp()));
        Assert.Empty(_driver.Edges);
    }
}
