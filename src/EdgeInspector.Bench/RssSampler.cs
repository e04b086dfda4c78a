using System.Diagnostics;
using EdgeInspector.Agent;

namespace EdgeInspector.Bench;

internal readonly record struct RssSamples(long Warm, long Peak, long End)
{
    /// <summary>End against warm: a leak of one frame buffer per part shows here within a few hundred parts.</summary>
    public double GrowthPercent => Warm > 0 ? 100.0 * (End - Warm) / Warm : 0;
}

/// <summary>
/// Samples the process's resident set while the pipeline runs: once warm (a tenth of the parts
/// inspected, pools and caches filled), its peak after that, and at the end.
/// </summary>
internal sealed class RssSampler : IDisposable
{
    private readonly Timer _timer;
    private readonly AgentTelemetry _telemetry;
    private readonly long _warmAfter;
    private long _warm;
    private long _peak;

    public RssSampler(AgentTelemetry telemetry, int frames)
    {
        _telemetry = telemetry;
        _warmAfter = Math.Max(20, frames / 10);
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(200));
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private void Sample()
    {
        if (_telemetry.Counts.Inspected < _warmAfter)
        {
            return;
        }

        long rss = Rss();
        lock (_timer)
        {
            if (_warm == 0)
            {
                _warm = rss;
            }

            _peak = Math.Max(_peak, rss);
        }
    }

    public RssSamples Finish()
    {
        _timer.Dispose();
        long end = Rss();
        lock (_timer)
        {
            return new RssSamples(_warm == 0 ? end : _warm, Math.Max(_peak, end), end);
        }
    }

    public void Dispose() => _timer.Dispose();
}
