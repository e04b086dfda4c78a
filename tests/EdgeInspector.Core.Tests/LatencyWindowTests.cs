using EdgeInspector.Core;

namespace EdgeInspector.Core.Tests;

public sealed class LatencyWindowTests
{
    [Fact]
    public void Empty_window_summarizes_to_zero()
    {
        Assert.Equal(new LatencySummary(0, 0), new LatencyWindow(8).Summarize());
    }

    [Fact]
    public void Percentiles_use_nearest_rank()
    {
        var window = new LatencyWindow(100);
        // Recorded out of order: the summary must sort.
        for (int i = 100; i >= 1; i--)
        {
            window.Record(i);
        }

        var summary = window.Summarize();

        Assert.Equal(50, summary.P50);
        Assert.Equal(99, summary.P99);
    }

    [Theory]
    [InlineData(new double[] { 7 }, 0.5, 7)]
    [InlineData(new double[] { 7 }, 0.99, 7)]
    [InlineData(new double[] { 1, 2, 3, 4 }, 0.5, 2)]
    [InlineData(new double[] { 1, 2, 3, 4, 5 }, 0.5, 3)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.99, 10)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.9, 9)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 0.0, 1)]
    [InlineData(new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 1.0, 10)]
    public void Percentile_is_nearest_rank_of_sorted_samples(double[] sorted, double p, double expected)
    {
        Assert.Equal(expected, LatencyWindow.Percentile(sorted, p));
    }

    [Fact]
    public void Percentile_rounds_to_microseconds()
    {
        Assert.Equal(1.235, LatencyWindow.Percentile([1.23456], 0.5));
    }

    [Fact]
    public void Ring_overwrites_the_oldest_samples()
    {
        var window = new LatencyWindow(4);
        foreach (double ms in new double[] { 1000, 1000, 1000, 1000, 1, 2, 3, 4 })
        {
            window.Record(ms);
        }

        var summary = window.Summarize();

        // Only 1..4 remain: the 1000s were overwritten.
        Assert.Equal(2, summary.P50);
        Assert.Equal(4, summary.P99);
    }

    [Fact]
    public void Partially_overwritten_ring_keeps_the_last_capacity_samples()
    {
        var window = new LatencyWindow(4);
        for (int i = 1; i <= 10; i++)
        {
            window.Record(i);
        }

        // Holds 7, 8, 9, 10.
        var summary = window.Summarize();

        Assert.Equal(8, summary.P50);
        Assert.Equal(10, summary.P99);
    }

    [Fact]
    public void Summarize_does_not_disturb_the_ring()
    {
        var window = new LatencyWindow(3);
        window.Record(30);
        window.Record(10);
        _ = window.Summarize();
        window.Record(20);
        window.Record(40);

        // The oldest (30) must be overwritten, not whatever Summarize's sort put first.
        var summary = window.Summarize();

        Assert.Equal(20, summary.P50);
        Assert.Equal(40, summary.P99);
    }
}
