using System.Diagnostics;
using EdgeInspector.Core;

namespace EdgeInspector.Acquisition;

/// <summary>One delivered image as the SDK hands it over, before it is copied into a pooled frame.</summary>
public readonly record struct GenICamImage(nint Data, int Width, int Height, int Stride, ulong FrameId, ulong TimestampNs);

/// <summary>
/// What every GenICam camera shares whatever its SDK (Aravis, the Spinnaker C API): the pixel
/// format mapping, the feature writes (<see cref="GenICamNodePlan"/>, applied through the SDK's
/// <see cref="IGenICamNodes"/>), and the capture loop: software trigger after draining stale
/// buffers, short driver waits under one frame deadline (<see cref="BlockingCamera.WaitOn"/>),
/// incomplete images counted as dropped, the image copied into a pooled <see cref="Frame"/> and
/// its buffer given straight back. A backend implements only the SDK calls.
/// </summary>
public abstract class GenICamCamera : BlockingCamera
{
    private readonly FramePool _pool;
    private long _dropped;

    protected GenICamCamera(GenICamCameraOptions options, string section, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        Options = options;
        Section = section;
        _pool = pool;
        FrameFormat = PixelFormatOf(options.PixelFormat);
        Plan = GenICamNodePlan.For(options, section);
    }

    public override long Dropped => Interlocked.Read(ref _dropped);

    protected GenICamCameraOptions Options { get; }

    /// <summary>The configuration section, e.g. <c>Camera:Aravis</c>, named in errors.</summary>
    protected string Section { get; }

    /// <summary>The frame layout the configured GenICam PixelFormat delivers.</summary>
    protected PixelFormat FrameFormat { get; }

    /// <summary>The feature writes <see cref="Configure"/> applies, in order.</summary>
    protected IReadOnlyList<NodeWrite> Plan { get; }

    /// <summary>The one GenICam PFNC name → frame layout mapping (the options accept these three).</summary>
    public static PixelFormat PixelFormatOf(string genicamName) => genicamName switch
    {
        "BayerRG8" => PixelFormat.BayerRG8,
        "RGB8" => PixelFormat.Rgb8,
        "Mono8" => PixelFormat.Mono8,
        _ => throw new ArgumentException($"PixelFormat '{genicamName}' is not supported; use BayerRG8, RGB8 or Mono8.", nameof(genicamName)),
    };

    /// <summary>Applies <see cref="Plan"/> through the SDK's node maps; returns what was set (read back) and what was skipped.</summary>
    protected (List<string> Applied, List<string> Skipped) Configure(IGenICamNodes device, IGenICamNodes? stream)
    {
        CheckRegionFits(device, "Width", "OffsetX", "SensorWidth", Options.Width, Options.OffsetX);
        CheckRegionFits(device, "Height", "OffsetY", "SensorHeight", Options.Height, Options.OffsetY);
        return GenICamNodePlan.Apply(Plan, device, stream);
    }

    /// <summary>
    /// A region must lie on the sensor: checked against SensorWidth/SensorHeight before anything is
    /// written, since some cameras (Aravis' fake one among them) accept an offset that pushes the
    /// region off the sensor and deliver garbage rather than refuse it.
    /// </summary>
    private void CheckRegionFits(IGenICamNodes device, string sizeNode, string offsetNode, string sensorNode, int size, int offset)
    {
        if (device.Access(sensorNode) == NodeAccess.Missing)
        {
            return;
        }

        long sensor = device.GetInteger(sensorNode);
        long wanted = size == 0 ? sensor - offset : size;
        if (wanted < 1 || offset + wanted > sensor)
        {
            throw new CameraException($"Camera feature {sizeNode}/{offsetNode} cannot take {sizeNode}={wanted}, {offsetNode}={offset}: the sensor is {sensor} pixels, so {offsetNode} + {sizeNode} <= {sensor} ({Section}:{sizeNode}, {Section}:{offsetNode}).");
        }
    }

    /// <summary>Waits up to <paramref name="wait"/> for the next buffer; 0 when none came. Throws (after <see cref="BlockingCamera.LoseConnection"/>) when the stream is broken.</summary>
    protected abstract nint NextBuffer(TimeSpan wait);

    /// <summary>The buffer's image, or null when it is incomplete or empty (counted as dropped).</summary>
    protected abstract GenICamImage? Describe(nint buffer);

    /// <summary>Gives the buffer back to the driver.</summary>
    protected abstract void ReleaseBuffer(nint buffer);

    /// <summary>Executes TriggerSoftware; throws (after <see cref="BlockingCamera.LoseConnection"/>) when the camera refuses.</summary>
    protected abstract void TriggerSoftware();

    /// <summary>The frame id to report for the camera's raw one (a backend may unwrap short counters).</summary>
    protected virtual long FrameId(ulong raw) => (long)raw;

    protected override Frame Capture(CancellationToken cancellationToken)
    {
        long captureStart = Stopwatch.GetTimestamp();
        if (Options.Trigger == CameraTrigger.Software)
        {
            // Frames left from a cancelled capture would answer this trigger: give them back first.
            DrainStale();
            captureStart = Stopwatch.GetTimestamp();
            TriggerSoftware();
        }

        var timeout = TimeSpan.FromMilliseconds(Options.TimeoutMs);
        long deadline = FrameDeadline(timeout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            nint buffer = NextBuffer(WaitSlice);
            if (buffer == 0)
            {
                if (WaitOn(ref deadline, timeout, Options.Trigger))
                {
                    continue;
                }

                throw new CameraException($"No frame from the {Label} within {Options.TimeoutMs} ms ({Section}:TimeoutMs, trigger {Options.Trigger}): the camera or its stream is lost; reopening.", disconnected: true);
            }

            try
            {
                if (Describe(buffer) is not { } image || image.Data == 0 || image.Width <= 0 || image.Height <= 0)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                return Copy(image, Options.Trigger == CameraTrigger.FreeRun ? Stopwatch.GetTimestamp() : captureStart);
            }
            finally
            {
                ReleaseBuffer(buffer);
            }
        }
    }

    /// <summary>How long one driver wait lasts before the capture checks cancellation and its deadline.</summary>
    protected virtual TimeSpan WaitSlice => TimeSpan.FromMilliseconds(50);

    private void DrainStale()
    {
        nint buffer;
        while ((buffer = NextBuffer(TimeSpan.Zero)) != 0)
        {
            ReleaseBuffer(buffer);
        }
    }

    private unsafe Frame Copy(GenICamImage image, long captureStart)
    {
        int row = image.Width * FrameFormat.BytesPerPixel();
        int stride = image.Stride >= row ? image.Stride : row;
        var frame = _pool.Rent(image.Width, image.Height, FrameFormat, FrameId(image.FrameId), (long)image.TimestampNs, captureStart);
        if (stride == row)
        {
            new ReadOnlySpan<byte>((void*)image.Data, frame.Length).CopyTo(frame.Pixels);
        }
        else
        {
            for (int y = 0; y < image.Height; y++)
            {
                new ReadOnlySpan<byte>((byte*)image.Data + ((nint)y * stride), row).CopyTo(frame.Pixels.Slice(y * row, row));
            }
        }

        return frame;
    }
}
