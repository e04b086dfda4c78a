using EdgeInspector.Core;
using EdgeInspector.Gpio;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>
/// Fans a decided verdict out: the reject actuator first (it has a deadline), then the verdict
/// sinks (MQTT outbox, console), the counters, and last the inspection taps.
/// </summary>
internal sealed class PublishStage(LineIo io, IReadOnlyList<IVerdictSink> sinks, IReadOnlyList<IInspectionTap> taps, AgentTelemetry telemetry, StageLatencies latencies, ILogger logger)
{
    public void Run(Inspection inspection)
    {
        var verdict = inspection.Verdict!;
        latencies.Record(inspection);
        latencies.Total.Record(verdict.TimingsMs.Total);
        if (verdict.Kind == VerdictKind.Error)
        {
            Log.PartNotInspected(logger, inspection.Seq, verdict.Error);
        }

        if (io.Reject is { } reject && reject.Submit(verdict.Kind, inspection.PartTicks ?? inspection.StartTicks) == RejectDecision.Late)
        {
            Log.RejectLate(logger, verdict.Seq);
        }

        foreach (var sink in sinks)
        {
            sink.Publish(verdict, inspection.Thumbnail);
        }

        telemetry.Record(verdict.Kind, verdict.TimingsMs.Total);
        bool scored = inspection.Error is null || inspection.OutOfInputRange;
        var part = new DecidedPart(verdict, inspection.Frame, scored && inspection.Input is { } input ? input.AsSpan(0, inspection.InputWidth * inspection.InputHeight * 3 * inspection.Tiles) : default, inspection.OutOfInputRange, inspection.Tiles);
        foreach (var tap in taps)
        {
            tap.Observe(part);
        }
    }
}
