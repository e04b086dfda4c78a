using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Gpio;
using EdgeInspector.Inference;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>
/// Hosts the inspection pipeline: loads the model, opens the camera (retrying with backoff while
/// it is absent), runs until stopped, and on shutdown stops acquiring and drains what is in
/// flight. A finished source or --frames limit stops the host with exit code 0; a stage failure
/// stops it with exit code 1 so systemd restarts the agent.
/// </summary>
public sealed partial class PipelineService(
    IOptions<AgentOptions> agent,
    LineThresholds thresholds,
    ICamera camera,
    LineIo io,
    IEnumerable<IVerdictSink> sinks,
    AgentTelemetry telemetry,
    PipelineHeartbeat heartbeat,
    FrameSnapshots snapshots,
    EnrollmentParts enrollment,
    ServingModelLoader serving,
    EdgeInspector.Messaging.VerdictOutbox outbox,
    IHostApplicationLifetime lifetime,
    ILogger<PipelineService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var models = await serving.LoadAsync(stoppingToken).ConfigureAwait(false);
            telemetry.SetLight(io.Light.Mode, () => io.Light.Strobes);
            telemetry.SetThreshold(() => thresholds.Status(models.Current.Package));
            var pipeline = new InspectionPipeline(camera, io, models, agent.Value, thresholds, [.. sinks], telemetry, logger, heartbeat, snapshots, enrollment, outbox.FirstSeq);
            await pipeline.OpenCameraAsync(stoppingToken).ConfigureAwait(false);
            telemetry.SetState(AgentState.Running);
            LogRunning(logger, telemetry.DeviceId);
            await pipeline.RunAsync(stoppingToken).ConfigureAwait(false);
            LogFinished(logger, telemetry.Counts.Inspected);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ModelPackageException or PipelineFaultException or CameraException)
        {
            LogFatal(logger, e.Message);
            telemetry.ReportError(e.Message);
            Environment.ExitCode = 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is a bug, not a bad input: keep the stack trace, and exit non-zero so
            // systemd restarts the agent (a faulted BackgroundService would otherwise exit 0).
            LogCrashed(logger, e);
            telemetry.ReportError(e.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inspecting as {Device}: state=running")]
    private static partial void LogRunning(ILogger logger, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline finished after {Parts} parts")]
    private static partial void LogFinished(ILogger logger, long parts);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Agent crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Agent cannot run: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason);
}
