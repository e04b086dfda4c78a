namespace EdgeInspector.Gpio.Tests;

/// <summary><see cref="RejectSchedule"/>: edge order and the merge rule, on plain timestamps.</summary>
public sealed class RejectScheduleTests
{
    [Fact]
    public void A_lone_pulse_goes_on_then_off_at_its_due_times()
    {
        var schedule = new RejectSchedule(pulseWidth: 30);
        Assert.Equal(long.MaxValue, schedule.NextDue);

        schedule.Add(on: 100, off: 130);

        Assert.Equal(100, schedule.NextDue);
        Assert.True(schedule.Take(100));
        Assert.Equal(130, schedule.NextDue);
        Assert.False(schedule.Take(130));
        Assert.Equal(long.MaxValue, schedule.NextDue);
    }

    [Fact]
    public void Overlapping_pulses_merge_into_one_that_ends_with_the_last()
    {
        var schedule = new RejectSchedule(pulseWidth: 60);
        schedule.Add(on: 50, off: 110);
        schedule.Add(on: 80, off: 140);

        var levels = new List<(long At, bool? Level)>();
        while (schedule.NextDue != long.MaxValue)
        {
            long due = schedule.NextDue;
            levels.Add((due, schedule.Take(due)));
        }

        Assert.Equal([(50L, (bool?)true), (80, null), (110, null), (140, false)], levels);
    }

    [Fact]
    public void A_late_on_edge_still_gets_the_full_pulse_width()
    {
        var schedule = new RejectSchedule(pulseWidth: 30);
        schedule.Add(on: 100, off: 130);

        Assert.True(schedule.Take(120)); // The thread stalled 20 past the on-edge.
        Assert.Null(schedule.Take(130));
        Assert.Equal(150, schedule.NextDue);
        Assert.False(schedule.Take(150));
    }

    [Fact]
    public void Pulses_apart_each_switch_the_output()
    {
        var schedule = new RejectSchedule(pulseWidth: 20);
        schedule.Add(on: 350, off: 370);
        schedule.Add(on: 150, off: 170);

        Assert.Equal([true, false, true, false], new[] { 150L, 170, 350, 370 }.Select(t =>
        {
            Assert.Equal(t, schedule.NextDue);
            return schedule.Take(t);
        }));
    }
}
