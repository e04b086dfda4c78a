namespace EdgeInspector.Core;

/// <summary>
/// One image from a camera, in a pooled buffer. Dispose returns the buffer; a frame must not be
/// touched after that.
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly FramePool _pool;
    private byte[]? _buffer;

    internal Frame(FramePool pool, byte[] buffer, int width, int height, PixelFormat format, long cameraFrameId, long cameraTimestampNs, long captureStartTicks)
    {
        _pool = pool;
        _buffer = buffer;
        Width = width;
        Height = height;
        Format = format;
        CameraFrameId = cameraFrameId;
        CameraTimestampNs = cameraTimestampNs;
        CaptureStartTicks = captureStartTicks;
        Length = width * height * format.BytesPerPixel();
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    /// <summary>The camera's own frame counter (block id); gaps mean the camera dropped frames.</summary>
    public long CameraFrameId { get; }

    /// <summary>The camera's timestamp in nanoseconds (device clock), 0 when it has none.</summary>
    public long CameraTimestampNs { get; }

    /// <summary>
    /// Host <see cref="System.Diagnostics.Stopwatch"/> ticks when this frame's capture began (trigger
    /// or exposure start): part latency counts from here, not from an idle wait for a free-running camera.
    /// </summary>
    public long CaptureStartTicks { get; }

    public int Length { get; }

    public int Stride => Width * Format.BytesPerPixel();

    /// <summary>The pinned backing array; valid bytes are [0, Length).</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(Frame));

    public Span<byte> Pixels => Buffer.AsSpan(0, Length);

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            _pool.Return(buffer);
        }
    }
}
