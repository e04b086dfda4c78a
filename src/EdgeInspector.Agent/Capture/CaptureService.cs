using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.Capture;

/// <summary>
/// Opens the capture store (rebuilding its index from disk) and runs the capture writer while the
/// agent runs. A store that cannot be opened turns capture off with an error line; inspection goes on.
/// </summary>
public sealed class CaptureService(IOptions<CaptureOptions> options, CaptureStore store, PartCapture capture, AgentTelemetry telemetry, ILogger<CaptureService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Off the host's start path: rebuilding the index reads every record.
        await Task.Yield();
        try
        {
            store.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.CapturesUnavailable(logger, store.Directory, e.Message);
            return;
        }

        telemetry.SetCapture(() => capture.Status);
        await capture.RunAsync(stoppingToken).ConfigureAwait(false);
    }
}
