using System.Runtime;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>
/// Gives back the memory a burst of inbound messages leaves behind. The GC keeps what it grew
/// during a burst (a larger gen0 budget, large-object regions for every message over 85 KB)
/// committed until later collections shrink it, and an agent inspecting at a steady rate
/// allocates too little to run them: 2400 hostile messages left it 12-15 % above its resident
/// baseline for good (issue #13). Once at least <see cref="BurstBytes"/> have come in and the
/// topics have been quiet for <see cref="Quiet"/>, one aggressive compacting collection (a few
/// milliseconds on the agent's tens of MB) returns it; a pushed package gets the same after its
/// last chunk.
/// </summary>
public sealed class InboundMemoryTrim(TimeProvider time, ILogger<InboundMemoryTrim> logger)
{
    /// <summary>Inbound payload bytes since the last trim that make one worth it (small commands take hours to add up to this).</summary>
    public const long BurstBytes = 4L << 20;

    /// <summary>How long the inbound topics stay quiet before the burst counts as over.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private long _bytes;
    private long _last;

    /// <summary>Counts one inbound message, also one dropped for its size (the client had already read it).</summary>
    public void Received(long payloadBytes)
    {
        Interlocked.Add(ref _bytes, payloadBytes);
        Interlocked.Exchange(ref _last, time.GetTimestamp());
    }

    /// <summary>Checks every <see cref="Quiet"/> until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Quiet, time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                TryTrim();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Collects when a burst is over; whether it did.</summary>
    public bool TryTrim()
    {
        if (Interlocked.Read(ref _bytes) < BurstBytes || time.GetElapsedTime(Interlocked.Read(ref _last)) < Quiet)
        {
            return false;
        }

        long bytes = Interlocked.Exchange(ref _bytes, 0);
        long before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Log.MemoryTrimmed(logger, bytes / (1024.0 * 1024.0), before / (1024.0 * 1024.0), GC.GetGCMemoryInfo().TotalCommittedBytes / (1024.0 * 1024.0));
        return true;
    }
}
