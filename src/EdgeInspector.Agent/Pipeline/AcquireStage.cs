using System.Diagnostics;
using System.Threading.Channels;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Gpio;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>
/// Where a part enters: waits for the part sensor (when there is one), captures with the light on
/// (and the host-driven trigger pulse), numbers the part from the verdict sequence, and reports a
/// part that could not be imaged (overrun, camera error) instead of skipping it. Reopens a lost
/// camera with backoff, and keeps the heartbeat going while an idle line waits.
/// </summary>
internal sealed class AcquireStage
{
    private static readonly TimeSpan IdleBeat = TimeSpan.FromSeconds(1);

    private readonly ICamera _camera;
    private readonly LineIo _io;
    private readonly AgentOptions _options;
    private readonly AgentTelemetry _telemetry;
    private readonly PipelineHeartbeat _heartbeat;
    private readonly StageLatencies _latencies;
    private readonly ILogger _logger;
    private readonly long _firstSeq;
    private readonly string _idPrefix = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString("x", System.Globalization.CultureInfo.InvariantCulture);
    private readonly Func<CancellationToken, ValueTask<Frame?>> _capture;
    private long _overruns;
    private int _waiting;

    public AcquireStage(ICamera camera, LineIo io, AgentOptions options, AgentTelemetry telemetry, PipelineHeartbeat heartbeat, StageLatencies latencies, ILogger logger, long firstSeq)
    {
        _camera = camera;
        _io = io;
        _options = options;
        _telemetry = telemetry;
        _heartbeat = heartbeat;
        _latencies = latencies;
        _logger = logger;
        _firstSeq = firstSeq;
        // Built once: a method-group or lambda argument would allocate a delegate per capture.
        _capture = io.CameraTrigger is { } trigger
            ? ct =>
            {
                trigger.Fire();
                return camera.CaptureAsync(ct);
            }
            : camera.CaptureAsync;
    }

    private enum Waiting
    {
        Nothing,
        ForPart,
        ForFrame,
    }

    /// <summary>Parts that arrived while the previous one was still being captured.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    public async Task RunAsync(ChannelWriter<Inspection> output, CancellationToken stopAcquiring, CancellationToken abort)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopAcquiring, abort);
        var token = linked.Token;
        long previousCaptureEnd = 0;
        using var idleStop = CancellationTokenSource.CreateLinkedTokenSource(token);
        var idleBeats = IdleBeatAsync(idleStop.Token);
        try
        {
            for (long seq = _firstSeq; _options.MaxFrames == 0 || seq - _firstSeq < _options.MaxFrames; seq++)
            {
                if (token.IsCancellationRequested)
                {
                    break;
                }

                _heartbeat.Beat();
                PartDetected? part = null;
                if (_io.Parts is { } parts)
                {
                    part = await NextPartAsync(parts, token).ConfigureAwait(false);
                    if (part is null)
                    {
                        break;
                    }
                }

                var inspection = new Inspection(seq, $"{_telemetry.DeviceId}-{_idPrefix}-{seq}", part?.EdgeTimestamp);
                if (part is { } p && p.EdgeTimestamp < previousCaptureEnd)
                {
                    // The part arrived while the previous one was still being captured: it was not imaged.
                    Interlocked.Increment(ref _overruns);
                    inspection.Fail("overrun: the part arrived while the previous part was still being captured; slow the line or shorten the exposure");
                    await output.WriteAsync(inspection, abort).ConfigureAwait(false);
                    continue;
                }

                bool lost = false;
                try
                {
                    var frame = await CaptureAsync(token).ConfigureAwait(false);
                    if (frame is null)
                    {
                        inspection.Dispose();
                        Log.SourceEnded(_logger, seq - _firstSeq);
                        break;
                    }

                    inspection.Attach(frame);
                    _telemetry.SetCamera(_camera.Backend, true, _camera.Dropped);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    inspection.Dispose();
                    break;
                }
                catch (CameraException e)
                {
                    inspection.Fail($"camera: {e.Message}");
                    _telemetry.SetCamera(_camera.Backend, !e.Disconnected, _camera.Dropped);
                    _telemetry.ReportError(e.Message);
                    lost = e.Disconnected;
                }

                previousCaptureEnd = Stopwatch.GetTimestamp();
                inspection.AcquireMs = Stopwatch.GetElapsedTime(inspection.StartTicks).TotalMilliseconds;
                _latencies.Acquire.Record(inspection.AcquireMs);
                await output.WriteAsync(inspection, abort).ConfigureAwait(false);
                if (lost)
                {
                    // One ERROR verdict reports the loss; no more are made until the camera is back.
                    await OpenCameraAsync(token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await idleStop.CancelAsync().ConfigureAwait(false);
            await idleBeats.ConfigureAwait(false);
        }
    }

    /// <summary>Opens the camera, retrying with backoff while it is absent (state degraded, one log line per attempt).</summary>
    public async Task OpenCameraAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            // Waiting for a camera is the agent working as designed, not a hang: keep the watchdog fed.
            _heartbeat.Beat();
            try
            {
                await _camera.OpenAsync(cancellationToken).ConfigureAwait(false);
                _telemetry.SetCamera(_camera.Backend, true, _camera.Dropped);
                _telemetry.Recover(DegradedCauses.Camera);
                Log.CameraOpened(_logger, _camera.Backend, attempt);
                return;
            }
            catch (CameraException e) when (e.Disconnected)
            {
                _telemetry.SetCamera(_camera.Backend, false, _camera.Dropped);
                _telemetry.Degrade(DegradedCauses.Camera);
                _telemetry.ReportError(e.Message);
                Log.CameraRetry(_logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits for the part sensor; null when the sensor stops. The idle beat covers the wait.</summary>
    private async Task<PartDetected?> NextPartAsync(ChannelReader<PartDetected> parts, CancellationToken token)
    {
        Volatile.Write(ref _waiting, (int)Waiting.ForPart);
        try
        {
            return await parts.ReadAsync(token).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            Volatile.Write(ref _waiting, (int)Waiting.Nothing);
        }
    }

    /// <summary>One capture with the light on (and the host-driven trigger pulse, if any).</summary>
    private async Task<Frame?> CaptureAsync(CancellationToken token)
    {
        Volatile.Write(ref _waiting, (int)Waiting.ForFrame);
        try
        {
            return await _io.Light.BracketAsync(_capture, token).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _waiting, (int)Waiting.Nothing);
        }
    }

    /// <summary>
    /// A triggered camera or a quiet line can wait a long time for the next part. While acquisition
    /// waits for a part, or for a frame from a connected camera, this beats the heartbeat, so an
    /// idle line is not taken for a hung one; the per-frame path allocates nothing for it.
    /// </summary>
    private async Task IdleBeatAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(IdleBeat);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false))
            {
                var waiting = (Waiting)Volatile.Read(ref _waiting);
                if (waiting == Waiting.ForPart || (waiting == Waiting.ForFrame && _camera.IsConnected))
                {
                    _heartbeat.Beat();
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }
}
