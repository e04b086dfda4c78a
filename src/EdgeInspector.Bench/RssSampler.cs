using System.Diagnostics;
using EdgeInspector.Agent;

namespace EdgeInspector.Bench;

/// <param name="Warm">Resident set once a tenth of the parts are done (pools and caches filled).</param>
/// <param name="Deciles">Resident set at every tenth of the parts, in bytes.</param>
/// <param name="ManagedWarm">The GC heap's size after the last collection, at the same two points.</param>
internal readonly record struct RssSamples(long Warm, long Peak, long End, IReadOnlyList<long> Deciles, long ManagedWarm, long ManagedEnd)
{
    /// <summary>
    /// The last tenth against the second, while the line runs (the first tenth still fills the frame
    /// pool and the parts in flight; the end sample includes shutdown): a leak of one frame buffer
    /// per part would show as gigabytes.
    /// </summary>
    public double GrowthPercent => Deciles.Count >= 3 ? 100.0 * (Deciles[^1] - Deciles[1]) / Deciles[1] : Warm > 0 ? 100.0 * (End - Warm) / Warm : 0;
}

/// <summary>
/// Samples the process's resident set while the pipeline runs: at every tenth of the parts (the
/// first one counts as warm: pools and caches filled), its peak after that, and at the end; and
/// the managed heap beside it, to tell the GC's growth from native memory's.
/// </summary>
internal sealed class RssSampler : IDisposable
{
    private readonly Timer _timer;
    private readonly AgentTelemetry _telemetry;
    private readonly long _step;
    private readonly List<long> _deciles = [];
    private long _peak;
    private long _managedWarm;

    private readonly Action _warm;

    public RssSampler(AgentTelemetry telemetry, int frames, Action warm)
    {
        _telemetry = telemetry;
        _warm = warm;
        _step = Math.Max(10, frames / 10);
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private void Sample()
    {
        long inspected = _telemetry.Counts.Inspected;
        lock (_deciles)
        {
            if (inspected < _step)
            {
                return;
            }

            long rss = Rss();
            _peak = Math.Max(_peak, rss);
            if (inspected >= _step * (_deciles.Count + 1))
            {
                _deciles.Add(rss);
                if (_deciles.Count == 1)
                {
                    _managedWarm = GC.GetGCMemoryInfo().HeapSizeBytes;
                    _warm();
                }
            }
        }
    }

    public RssSamples Finish()
    {
        _timer.Dispose();
        long end = Rss();
        lock (_deciles)
        {
            long warm = _deciles.Count > 0 ? _deciles[0] : end;
            return new RssSamples(warm, Math.Max(_peak, end), end, [.. _deciles], _managedWarm, GC.GetGCMemoryInfo().HeapSizeBytes);
        }
    }

    public void Dispose() => _timer.Dispose();
}
