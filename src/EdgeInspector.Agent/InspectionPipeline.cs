using System.Diagnostics;
using System.Threading.Channels;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Gpio;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>
/// acquire → preprocess → infer → decide → publish, each stage on its own task joined by
/// bounded channels, so throughput is that of the slowest stage and a slow consumer pushes
/// back instead of growing memory. Every acquired part leaves as exactly one verdict, in order.
/// </summary>
public sealed partial class InspectionPipeline
{
    private readonly ICamera _camera;
    private readonly LineIo _io;
    private readonly ModelSlot _models;
    private readonly AgentOptions _options;
    private readonly LineThresholds _thresholds;
    private readonly IReadOnlyList<IVerdictSink> _sinks;
    private readonly AgentTelemetry _telemetry;
    private readonly PipelineHeartbeat _heartbeat;
    private readonly FrameSnapshots? _snapshots;
    private readonly EnrollmentParts? _enrollment;
    private readonly ILogger _logger;
    private readonly string _idPrefix = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString("x", System.Globalization.CultureInfo.InvariantCulture);

    public InspectionPipeline(ICamera camera, LineIo io, ModelSlot models, AgentOptions options, LineThresholds thresholds, IReadOnlyList<IVerdictSink> sinks, AgentTelemetry telemetry, ILogger logger, PipelineHeartbeat? heartbeat = null, FrameSnapshots? snapshots = null, EnrollmentParts? enrollment = null, long firstSeq = 1)
    {
        _firstSeq = firstSeq;
        _snapshots = snapshots;
        _enrollment = enrollment;
        _heartbeat = heartbeat ?? new PipelineHeartbeat();
        _camera = camera;
        _io = io;
        // Built once: a method-group or lambda argument would allocate a delegate per capture.
        _capture = io.CameraTrigger is { } trigger
            ? ct =>
            {
                trigger.Fire();
                return camera.CaptureAsync(ct);
            }
            : camera.CaptureAsync;
        _models = models;
        _options = options;
        _thresholds = thresholds;
        _sinks = sinks;
        _telemetry = telemetry;
        _logger = logger;
    }

    private static readonly TimeSpan IdleBeat = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, ValueTask<Frame?>> _capture;

    /// <summary>Seq of this run's first part: verdict numbering continues across restarts (see MqttPublisher.NextSeq).</summary>
    private readonly long _firstSeq;
    private long _overruns;
    private int _waiting;

    /// <summary>Parts that arrived while the previous one was still being captured.</summary>
    public long Overruns => Interlocked.Read(ref _overruns);

    /// <summary>Per-stage latency, for the benchmark and status.</summary>
    public StageLatencies Latencies { get; } = new();

    /// <summary>
    /// Runs until the source ends, <see cref="AgentOptions.MaxFrames"/> parts are done, or
    /// <paramref name="stopAcquiring"/> fires; then drains what is in flight and returns.
    /// <paramref name="abort"/> abandons in-flight parts.
    /// </summary>
    public async Task RunAsync(CancellationToken stopAcquiring, CancellationToken abort = default)
    {
        // Each stage already has its own thread; OpenCV's internal pool would only fight them and
        // ONNX Runtime for the same cores.
        OpenCvSharp.Cv2.SetNumThreads(1);
        var acquired = NewChannel();
        var preprocessed = NewChannel();
        var inferred = NewChannel();
        var decided = NewChannel();
        Task[] stages =
        [
            Stage("acquire", () => AcquireAsync(acquired.Writer, stopAcquiring, abort), acquired.Writer),
            Stage("preprocess", () => TransformAsync(acquired.Reader, preprocessed.Writer, new PreprocessStage(_models, _options.Region.ToFrameRegion()).Run, abort), preprocessed.Writer),
            Stage("infer", () => TransformAsync(preprocessed.Reader, inferred.Writer, new InferStage(_models, _thresholds, _options.Region.ToFrameRegion()).Run, abort), inferred.Writer),
            Stage("decide", () => TransformAsync(inferred.Reader, decided.Writer, new DecideStage(_options.Thumbnail, _snapshots, _enrollment).Run, abort), decided.Writer),
            Stage("publish", () => PublishAsync(decided.Reader, abort), null),
        ];
        await Task.WhenAll(stages).ConfigureAwait(false);
    }

    private Channel<Inspection> NewChannel() => Channel.CreateBounded<Inspection>(new BoundedChannelOptions(_options.StageCapacity)
    {
        SingleReader = true,
        SingleWriter = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Runs a stage; when it ends for any reason its output closes so the next one drains and ends.</summary>
    private async Task Stage(string name, Func<Task> body, ChannelWriter<Inspection>? output)
    {
        await Task.Yield();
        try
        {
            await body().ConfigureAwait(false);
            output?.TryComplete();
        }
        catch (OperationCanceledException e)
        {
            output?.TryComplete(e);
            throw;
        }
        catch (Exception e)
        {
            LogStageFailed(_logger, name, e);
            output?.TryComplete(e);
            throw new PipelineFaultException($"The {name} stage failed: {e.Message}", e);
        }
    }

    private async Task AcquireAsync(ChannelWriter<Inspection> output, CancellationToken stopAcquiring, CancellationToken abort)
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
                        LogSourceEnded(_logger, seq - _firstSeq);
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
                Latencies.Acquire.Record(inspection.AcquireMs);
                await output.WriteAsync(inspection, abort).ConfigureAwait(false);
                if (lost)
                {
                    // One ERROR verdict reports the loss; no more are made until the camera is back.
                    await OpenCameraAsync(token).ConfigureAwait(false);
                    _telemetry.SetState(AgentState.Running);
                }
            }
        }
        finally
        {
            await idleStop.CancelAsync().ConfigureAwait(false);
            await idleBeats.ConfigureAwait(false);
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

    private enum Waiting
    {
        Nothing,
        ForPart,
        ForFrame,
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
                LogCameraOpened(_logger, _camera.Backend, attempt);
                return;
            }
            catch (CameraException e) when (e.Disconnected)
            {
                _telemetry.SetCamera(_camera.Backend, false, _camera.Dropped);
                _telemetry.SetState(AgentState.Degraded);
                _telemetry.ReportError(e.Message);
                LogCameraRetry(_logger, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task TransformAsync(ChannelReader<Inspection> input, ChannelWriter<Inspection> output, Action<Inspection> step, CancellationToken abort)
    {
        await foreach (var inspection in input.ReadAllAsync(abort).ConfigureAwait(false))
        {
            if (inspection.Error is null)
            {
                try
                {
                    step(inspection);
                }
                catch (Exception e) when (e is OpenCvSharp.OpenCVException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidOperationException or ArgumentException)
                {
                    // One bad frame (odd size, a failed run) is that part's ERROR verdict, not the line's end.
                    inspection.Fail($"{e.GetType().Name}: {e.Message}");
                }
            }

            _heartbeat.Beat();
            await output.WriteAsync(inspection, abort).ConfigureAwait(false);
        }
    }

    private async Task PublishAsync(ChannelReader<Inspection> input, CancellationToken abort)
    {
        await foreach (var inspection in input.ReadAllAsync(abort).ConfigureAwait(false))
        {
            using (inspection)
            {
                Latencies.Record(inspection);
                var verdict = ToVerdict(inspection);
                if (verdict.Kind == VerdictKind.Error)
                {
                    LogPartNotInspected(_logger, inspection.Seq, verdict.Error);
                }

                // The actuator first: it has a deadline, the messages do not.
                if (_io.Reject is { } reject && reject.Submit(verdict.Kind, inspection.PartTicks ?? inspection.StartTicks) == RejectDecision.Late)
                {
                    LogRejectLate(_logger, verdict.Seq);
                }

                foreach (var sink in _sinks)
                {
                    sink.Publish(verdict, inspection.Thumbnail);
                }

                _telemetry.Record(verdict.Kind, verdict.TimingsMs.Total);
                _heartbeat.Beat();
            }
        }
    }

    private Verdict ToVerdict(Inspection i)
    {
        var decision = i.Decision ?? _models.Current.Package.Manifest.Decision;
        var kind = i.Error is not null ? VerdictKind.Error : i.RawScore >= decision.ImageThreshold ? VerdictKind.Ng : VerdictKind.Ok;
        double total = Stopwatch.GetElapsedTime(i.StartTicks).TotalMilliseconds;
        Latencies.Total.Record(total);
        return new Verdict
        {
            Id = i.Id,
            Seq = i.Seq,
            Device = _telemetry.DeviceId,
            Ts = i.Ts,
            Kind = kind,
            Score = kind == VerdictKind.Error ? 0 : Math.Round(decision.Normalize(i.RawScore), 4),
            RawScore = Math.Round(i.RawScore, 5),
            Threshold = decision.ImageThreshold,
            Regions = i.Regions,
            Model = i.Model ?? _models.Current.Identity,
            TimingsMs = new StageTimings(Round(i.AcquireMs), Round(i.PreprocessMs), Round(i.InferMs), Round(i.PostMs), Round(total)),
            Image = new ImageSize(i.Frame?.Width ?? 0, i.Frame?.Height ?? 0),
            Error = i.Error,
        };
    }

    private static double Round(double ms) => Math.Round(ms, 3);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Pipeline stage {Stage} failed")]
    private static partial void LogStageFailed(ILogger logger, string stage, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera not available (attempt {Attempt}): {Reason}; retrying")]
    private static partial void LogCameraRetry(ILogger logger, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Backend} opened (attempt {Attempt})")]
    private static partial void LogCameraOpened(ILogger logger, string backend, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Part {Seq} is NG but its verdict came after it passed the reject actuator: raise Reject:Delay or speed up inspection")]
    private static partial void LogRejectLate(ILogger logger, long seq);

    [LoggerMessage(Level = LogLevel.Information, Message = "Frame source ended after {Frames} frames")]
    private static partial void LogSourceEnded(ILogger logger, long frames);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Part {Seq} not inspected: {Reason}")]
    private static partial void LogPartNotInspected(ILogger logger, long seq, string? reason);
}

/// <summary>A pipeline stage failed as a whole (not one part): the agent exits non-zero and systemd restarts it.</summary>
public sealed class PipelineFaultException(string message, Exception inner) : Exception(message, inner);
