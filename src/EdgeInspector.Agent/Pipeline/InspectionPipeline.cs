using System.Threading.Channels;
using EdgeInspector.Acquisition;
using EdgeInspector.Inference;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>
/// acquire → preprocess → infer → decide → publish → taps, each stage on its own task (and in its
/// own file) joined by bounded channels, so throughput is that of the slowest stage and a slow
/// consumer pushes back instead of growing memory. Data runs one way: the decide stage builds the
/// complete verdict, the publish stage fans it out, the taps watch it. Every acquired part leaves
/// as exactly one verdict, in order.
/// </summary>
public sealed class InspectionPipeline
{
    private readonly ModelSlot _models;
    private readonly AgentOptions _options;
    private readonly LineThresholds _thresholds;
    private readonly PipelineHeartbeat _heartbeat;
    private readonly ILogger _logger;
    private readonly AcquireStage _acquire;
    private readonly PublishStage _publish;
    private readonly InputGuard _guard;

    public InspectionPipeline(ICamera camera, LineIo io, ModelSlot models, AgentOptions options, LineThresholds thresholds, IReadOnlyList<IVerdictSink> sinks, AgentTelemetry telemetry, ILogger logger, PipelineHeartbeat? heartbeat = null, IReadOnlyList<IInspectionTap>? taps = null, long firstSeq = 1)
    {
        _models = models;
        _options = options;
        _thresholds = thresholds;
        _heartbeat = heartbeat ?? new PipelineHeartbeat();
        _logger = logger;
        _acquire = new AcquireStage(camera, io, options, telemetry, _heartbeat, Latencies, logger, firstSeq);
        _publish = new PublishStage(io, sinks, taps ?? [], telemetry, Latencies, logger);
        _guard = new InputGuard(options.InputGuard, telemetry);
    }

    /// <summary>Parts that arrived while the previous one was still being captured.</summary>
    public long Overruns => _acquire.Overruns;

    /// <summary>Per-stage latency, for the benchmark and status.</summary>
    public StageLatencies Latencies { get; } = new();

    /// <summary>Opens the camera, retrying with backoff while it is absent.</summary>
    public Task OpenCameraAsync(CancellationToken cancellationToken) => _acquire.OpenCameraAsync(cancellationToken);

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
        var decide = new DecideStage(_options.Thumbnail, _thresholds, _models, _options.DeviceId, _guard, _options.ToFrameTiling());
        Task[] stages =
        [
            Stage("acquire", () => _acquire.RunAsync(acquired.Writer, stopAcquiring, abort), acquired.Writer),
            Stage("preprocess", () => TransformAsync(acquired.Reader, preprocessed.Writer, new PreprocessStage(_models, _options.Region.ToFrameRegion(), _options.ToFrameTiling(), _options.PreprocessBands).Run, abort), preprocessed.Writer),
            Stage("infer", () => TransformAsync(preprocessed.Reader, inferred.Writer, new InferStage(_models, _options.Region.ToFrameRegion(), _options.ToFrameTiling()).Run, abort), inferred.Writer),
            Stage("decide", () => TransformAsync(inferred.Reader, decided.Writer, decide.Run, abort, alsoFailed: true), decided.Writer),
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
            Log.StageFailed(_logger, name, e);
            output?.TryComplete(e);
            throw new PipelineFaultException($"The {name} stage failed: {e.Message}", e);
        }
    }

    /// <summary>Runs <paramref name="step"/> on each part (a failed part passes untouched unless <paramref name="alsoFailed"/>).</summary>
    private async Task TransformAsync(ChannelReader<Inspection> input, ChannelWriter<Inspection> output, Action<Inspection> step, CancellationToken abort, bool alsoFailed = false)
    {
        await foreach (var inspection in input.ReadAllAsync(abort).ConfigureAwait(false))
        {
            if (inspection.Error is null || alsoFailed)
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
                _publish.Run(inspection);
                _heartbeat.Beat();
            }
        }
    }
}

/// <summary>A pipeline stage failed as a whole (not one part): the agent exits non-zero and systemd restarts it.</summary>
public sealed class PipelineFaultException(string message, Exception inner) : Exception(message, inner);
