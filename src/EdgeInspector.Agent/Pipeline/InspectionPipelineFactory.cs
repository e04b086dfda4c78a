using EdgeInspector.Acquisition;
using EdgeInspector.Inference;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>
/// Builds the inspection pipeline for the serving model's slot from everything the line is made
/// of: camera and line I/O, thresholds, verdict sinks, inspection taps, and the first verdict seq
/// from the durable outbox (opened before the pipeline, so numbering flows one way).
/// </summary>
public sealed class InspectionPipelineFactory(
    ICamera camera,
    LineIo io,
    IOptions<AgentOptions> options,
    LineThresholds thresholds,
    IEnumerable<IVerdictSink> sinks,
    IEnumerable<IInspectionTap> taps,
    AgentTelemetry telemetry,
    PipelineHeartbeat heartbeat,
    VerdictOutbox outbox,
    ILogger<InspectionPipeline> logger)
{
    public InspectionPipeline Create(ModelSlot models)
    {
        telemetry.SetLight(io.Light.Mode, () => io.Light.Strobes);
        telemetry.SetThreshold(() => thresholds.Status(models.Current.Package));
        telemetry.SetInputGuard(() => InputGuard.Describe(options.Value.InputGuard, models.Current.Package));
        return new InspectionPipeline(camera, io, models, options.Value, thresholds, [.. sinks], telemetry, logger, heartbeat, [.. taps], outbox.FirstSeq);
    }
}
