using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>Latency windows per pipeline stage, for the benchmark's percentiles.</summary>
public sealed class StageLatencies
{
    public LatencyWindow Acquire { get; } = new(4096);

    public LatencyWindow Preprocess { get; } = new(4096);

    public LatencyWindow Infer { get; } = new(4096);

    public LatencyWindow Post { get; } = new(4096);

    public LatencyWindow Total { get; } = new(4096);

    internal void Record(Inspection inspection)
    {
        if (inspection.Error is not null)
        {
            return;
        }

        Preprocess.Record(inspection.PreprocessMs);
        Infer.Record(inspection.InferMs);
        Post.Record(inspection.PostMs);
    }
}
