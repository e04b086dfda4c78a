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
    ICamera camera,
    LightStrobe light,
    ModelLoader loader,
    IEnumerable<IVerdictSink> sinks,
    AgentTelemetry telemetry,
    PipelineHeartbeat heartbeat,
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
            var runner = await Task.Run(() => loader.Load(model.Value.Package), stoppingToken).ConfigureAwait(false);
            _models = new ModelSlot(runner);
            _models.Swapped += r => telemetry.SetModel(r.Package.Identity, r.Provider.Active.ToString(), r.Provider.Notes);
            telemetry.SetModel(runner.Package.Identity, runner.Provider.Active.ToString(), runner.Provider.Notes);
            telemetry.SetLight(light.Mode, () => light.Strobes);
            await OpenCameraAsync(stoppingToken).ConfigureAwait(false);

            var pipeline = new InspectionPipeline(camera, light, _models, agent.Value, model.Value, [.. sinks], telemetry, logger, heartbeat);
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
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task OpenCameraAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            // Waiting for a camera is the agent working as designed, not a hang: keep the watchdog fed.
            heartbeat.Beat();
            try
            {
                await camera.OpenAsync(cancellationToken).ConfigureAwait(false);
                telemetry.SetCamera(camera.Backend, true, 0);
                return;
            }
            catch (CameraException e) when (e.Disconnected)
            {
                telemetry.SetCamera(camera.Backend, false, 0);
                telemetry.SetState(AgentState.Degraded);
                telemetry.ReportError(e.Message);
                LogCameraRetry(logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt * 2)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public override void Dispose()
    {
        _models?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inspecting as {Device}: state=running")]
    private static partial void LogRunning(ILogger logger, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline finished after {Parts} parts")]
    private static partial void LogFinished(ILogger logger, long parts);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Agent cannot run: {Reason}")]
    private static partial void LogFatal(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera not available (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogCameraRetry(ILogger logger, int attempt, string reason);
}
