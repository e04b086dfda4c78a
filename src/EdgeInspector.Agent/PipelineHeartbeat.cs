using System.Diagnostics;

namespace EdgeInspector.Agent;

/// <summary>
/// When the pipeline last moved: a stage finished a part, or acquisition started waiting for
/// the next one (camera backends return within their frame timeout, so an idle line still beats).
/// </summary>
public sealed class PipelineHeartbeat
{
    private long _last = Stopwatch.GetTimestamp();

    public void Beat() => Volatile.Write(ref _last, Stopwatch.GetTimestamp());

    public TimeSpan SinceLastBeat => Stopwatch.GetElapsedTime(Volatile.Read(ref _last));

    public bool IsAlive(TimeSpan within) => SinceLastBeat < within;
}
