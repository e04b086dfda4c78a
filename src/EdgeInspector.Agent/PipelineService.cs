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
    IOptions<ModelOptions> model,
    LineThresholds thresholds,
    ICamera camera,
    LineIo io,
    ModelLoader loader,
    IEnumerable<IVerdictSink> sinks,
    AgentTelemetry telemetry,
    PipelineHeartbeat heartbeat,
    FrameSnapshots snapshots,
    EnrollmentParts enrollment,
    ServingModel serving,
    ModelUpdateService updates,
    EdgeInspector.Messaging.VerdictOutbox outbox,
    IHostApplicationLifetime lifetime,
    ILogger<PipelineService> logger) : BackgroundService
{
    private ModelSlot? _models;

    /// <summary>The model slot, once the first model has loaded (hot swap stages into it).</summary>
    public ModelSlot? Models => _models;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var runner = await Task.Run(() => LoadStartupModel(model.Value.Package), stoppingToken).ConfigureAwait(false);
            telemetry.SetModelLoad(null);
            _models = new ModelSlot(runner);
            serving.Slot = _models;
            _models.Swapped += r => telemetry.SetModel(r.Identity, r.Provider.Active.ToString(), r.Provider.Notes);
            telemetry.SetModel(runner.Identity, runner.Provider.Active.ToString(), runner.Provider.Notes);
            telemetry.SetLight(io.Light.Mode, () => io.Light.Strobes);
            var models = _models;
            telemetry.SetThreshold(() => thresholds.Status(models.Current.Package));
            var pipeline = new InspectionPipeline(camera, io, _models, agent.Value, thresholds, [.. sinks], telemetry, logger, heartbeat, snapshots, enrollment, outbox.FirstSeq);
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

    /// <summary>The last activated update (models/current) when there is one, else Model:Package; a broken update falls back to Model:Package.</summary>
    private ModelRunner LoadStartupModel(string configured)
    {
        string package = updates.StartupPackage(configured);
        try
        {
            return loader.Load(package, telemetry.SetModelLoad);
        }
        catch (ModelPackageException e) when (package != configured)
        {
            LogFallback(logger, package, e.Message, configured);
            return loader.Load(configured, telemetry.SetModelLoad);
        }
    }

    public override void Dispose()
    {
        _models?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Updated model {Package} cannot be loaded ({Reason}); serving {Configured}")]
    private static partial void LogFallback(ILogger logger, string package, string reason, string configured);

    [LoggerMessage(Level = LogLevel.Information, Message = "Inspecting as {Device}: state=running")]
    private static partial void LogRunning(ILogger logger, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline finished after {Parts} parts")]
    private static partial void LogFinished(ILogger logger, long parts);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Agent crashed")]
    private static partial void LogCrashed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Agent cannot run: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason);
}
