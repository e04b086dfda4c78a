using System.Text.Json.Serialization;

namespace EdgeInspector.Core;

/// <summary>The retained status JSON (contract: see docs/mqtt.md).</summary>
public sealed record AgentStatus
{
    public required AgentState State { get; init; }

    public required string Device { get; init; }

    public required string AgentVersion { get; init; }

    public required long UptimeS { get; init; }

    public required ModelIdentity? Model { get; init; }

    public required string ExecutionProvider { get; init; }

    /// <summary>Why preferred execution providers were skipped (e.g. "TensorRT: not in this ONNX Runtime build").</summary>
    public required IReadOnlyList<string> ExecutionProviderNotes { get; init; }

    public required CameraStatus Camera { get; init; }

    public required LightStatus Light { get; init; }

    public required InspectionCounts Counters { get; init; }

    public required double Fps { get; init; }

    public required LatencySummary LatencyMs { get; init; }

    public required string? LastError { get; init; }

    /// <summary>The serving model's effective thresholds and whether they are overridden.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ThresholdStatus? Threshold { get; init; }

    /// <summary>Whether the input guard checks frames: "on", or "off: " and why (a package without input_guard ranges is not guarded).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? InputGuard { get; init; }

    /// <summary>A model being loaded (at start or during an update): phase and time so far.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ModelLoadProgress? ModelLoad { get; init; }

    /// <summary>Messages waiting for the broker, and those dropped (outbox full, disk refused).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public OutboxStatus? Outbox { get; init; }

    /// <summary>SoC temperatures, GPU load, memory and disk, where the host exposes them.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DeviceHealth? Health { get; init; }

    /// <summary>Parts kept for the data loop (Capture:Enabled): held on disk, their bytes, dropped and evicted since start.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CaptureStatus? Capture { get; init; }

    /// <summary>The rolling window of scored parts the drift watch judges (Drift:Enabled); reason is why status is degraded by drift, else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DriftStatus? Drift { get; init; }

    /// <summary>The agent process itself: what a soak run watches for leaks.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ProcessFigures? Process { get; init; }

    public required DateTimeOffset Ts { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<AgentState>))]
public enum AgentState
{
    [JsonStringEnumMemberName("starting")]
    Starting,
    [JsonStringEnumMemberName("running")]
    Running,
    [JsonStringEnumMemberName("degraded")]
    Degraded,
    [JsonStringEnumMemberName("updating")]
    Updating,
    [JsonStringEnumMemberName("stopping")]
    Stopping,
    [JsonStringEnumMemberName("offline")]
    Offline,
}

public sealed record CameraStatus(string Backend, bool Connected, double Fps, long Dropped);

public sealed record LightStatus(string Mode, long Strobes);

/// <summary>Durable: verdicts go through the file on flash. Queued: not yet acknowledged by the broker.</summary>
public sealed record OutboxStatus(bool Durable, long Queued, long Dropped);

/// <summary>Dropped: not kept because the writer was behind, the disk refused or there was no room; evicted: removed, oldest first, to make room.</summary>
public sealed record CaptureStatus(long Held, long Bytes, long Dropped, long Evicted);

/// <summary>Window: its size; parts: how many it holds so far; scores are normalised (0.5 = threshold).</summary>
public sealed record DriftStatus(int Window, int Parts, double NgRate, double ScoreP50, double ScoreP95, string? Reason);

public sealed record InspectionCounts(long Inspected, long Ok, long Ng, long Error);

public sealed record LatencySummary(double P50, double P99);

/// <summary>verifying | building_engine | loading, and seconds since the load began.</summary>
public sealed record ModelLoadProgress(string Phase, double ElapsedS);

/// <summary>Host health; a field the host does not expose (e.g. GPU load on x64) is omitted.</summary>
public sealed record DeviceHealth
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, double>? TemperaturesC { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? GpuLoadPct { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MemoryUsedMb { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MemoryTotalMb { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? DiskFreeMb { get; init; }
}

/// <summary>
/// The agent's own footprint: resident memory, the managed heap after the last GC and what the GC
/// holds committed, threads and open handles (file descriptors; -1 where the host cannot count them).
/// </summary>
public sealed record ProcessFigures(double RssMb, double GcHeapMb, double GcCommittedMb, int Threads, int Handles)
{
    public static ProcessFigures Read()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        int handles;
        try
        {
            handles = Directory.GetFileSystemEntries("/proc/self/fd").Length;
        }
        catch (IOException)
        {
            handles = -1;
        }
        catch (UnauthorizedAccessException)
        {
            handles = -1;
        }

        return new ProcessFigures(Megabytes(self.WorkingSet64), Megabytes(gc.HeapSizeBytes), Megabytes(gc.TotalCommittedBytes), self.Threads.Count, handles);
    }

    private static double Megabytes(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);
}

/// <summary>The image and pixel thresholds in force and their source: <c>manifest</c>, <c>config</c> (Model:ImageThreshold/PixelThreshold) or <c>cmd/set-threshold</c>.</summary>
public sealed record ThresholdStatus(double Image, double Pixel, string Source);
