using System.Diagnostics;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using OpenCvSharp;

namespace EdgeInspector.Bench;

/// <summary>
/// A sensor-size camera for the benchmark: the demo's generated parts, scaled to the sensor and
/// sampled in its pixel format (mosaiced for BayerRG8) once, then copied into a pooled frame per
/// capture as a camera's DMA would fill it, as fast as the pipeline asks.
/// </summary>
internal sealed class SyntheticCamera : ICamera
{
    private readonly byte[][] _images;
    private readonly FramePool _pool = new();
    private long _next;

    public SyntheticCamera(int width, int height, PixelFormat format, int distinct = 4)
    {
        Width = width;
        Height = height;
        Format = format;
        _images = new byte[distinct][];
        for (int i = 0; i < distinct; i++)
        {
            var defect = i % 2 == 0 ? SyntheticDefect.None : (SyntheticDefect)(1 + (i / 2 % 3));
            _images[i] = Sample(width, height, format, defect, seed: 7 + i);
        }
    }

    public int Width { get; }

    public int Height { get; }

    public PixelFormat Format { get; }

    public string Backend => "synthetic";

    public bool IsConnected => true;

    public long Dropped => 0;

    /// <summary>Buffers the camera's pool has allocated: flat once the pipeline is warm.</summary>
    public long PoolAllocations => _pool.Allocations;

    public ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken) => ValueTask.FromResult<Frame?>(Capture());

    public Frame Capture()
    {
        long id = _next++;
        var frame = _pool.Rent(Width, Height, Format, id, 0, Stopwatch.GetTimestamp());
        _images[id % _images.Length].CopyTo(frame.Pixels);
        return frame;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static byte[] Sample(int width, int height, PixelFormat format, SyntheticDefect defect, int seed)
    {
        using var part = SyntheticParts.Render(Math.Min(width, 1024), Math.Min(height, 1024 * height / width), defect, seed);
        using var rgb = new Mat();
        Cv2.CvtColor(part, rgb, ColorConversionCodes.BGR2RGB);
        Cv2.Resize(rgb, rgb, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        return BayerMosaic.Sample(rgb, format);
    }
}
