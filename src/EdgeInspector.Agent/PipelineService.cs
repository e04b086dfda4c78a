using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>
/// Hosts the inspection pipeline: loads the model, opens the camera (retrying with backoff while
/// it is absent), runs until stopped, and on shutdown stops acquiring and drains what is in
/// flight. A finished source or --frames limit stops the host with exit code 0; a stage failure
/// stops it with exit code 1 so systemd restarts the agent.
/// </summary>
public sealed partial class PipelineService(
    ServingModelLoader serving,
    InspectionPipelineFactory pipelines,
    AgentTelemetry telemetry,
    IHostApplicationLifetime lifetime,
    ILogger<PipelineService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var pipeline = pipelines.Create(await serving.LoadAsync(stoppingToken).ConfigureAwait(false));
            await pipeline.OpenCameraAsync(stoppingToken).ConfigureAwait(false);
            telemetry.SetState(AgentState.Running);
            Log.Running(logger, telemetry.DeviceId);
            await pipeline.RunAsync(stoppingToken).ConfigureAwait(false);
            Log.Finished(logger, telemetry.Counts.Inspected);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (e is ModelPackageException or PipelineFaultException or CameraException)
        {
            Log.Fatal(logger, e.Message);
            telemetry.ReportError(e.Message);
            Environment.ExitCode = 1;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is a bug, not a bad input: keep the stack trace, and exit non-zero so
            // systemd restarts the agent (a faulted BackgroundService would otherwise exit 0).
            Log.Crashed(logger, e);
            telemetry.ReportError(e.Message);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }
}
