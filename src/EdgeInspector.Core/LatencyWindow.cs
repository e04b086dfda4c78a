namespace EdgeInspector.Core;

/// <summary>Percentiles over the last N samples; a fixed ring so recording allocates nothing.</summary>
public sealed class LatencyWindow
{
    private readonly double[] _samples;
    private readonly double[] _scratch;
    private readonly Lock _gate = new();
    private int _count;
    private int _next;

    public LatencyWindow(int capacity = 512)
    {
        _samples = new double[capacity];
        _scratch = new double[capacity];
    }

    public void Record(double milliseconds)
    {
        lock (_gate)
        {
            _samples[_next] = milliseconds;
            _next = (_next + 1) % _samples.Length;
            _count = Math.Min(_count + 1, _samples.Length);
        }
    }

    public LatencySummary Summarize()
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return new LatencySummary(0, 0);
            }

            var span = _scratch.AsSpan(0, _count);
            _samples.AsSpan(0, _count).CopyTo(span);
            span.Sort();
            return new LatencySummary(Percentile(span, 0.50), Percentile(span, 0.99));
        }
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return Math.Round(sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)], 3);
    }
}
