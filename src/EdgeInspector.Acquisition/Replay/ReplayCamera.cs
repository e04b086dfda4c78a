using System.Diagnostics;
using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Acquisition;

/// <summary>
/// Replays recorded images with camera-like timing (a fixed frame rate, frame ids and
/// timestamps). A folder that fits the cache budget is decoded once, so replay costs a copy per
/// frame, like a camera's DMA; a video file is decoded frame by frame into a reused image.
/// </summary>
public sealed class ReplayCamera : ICamera
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"];

    private readonly ReplayOptions _options;
    private readonly FramePool _pool;
    private readonly Mat _decoded = new();
    private string[] _files = [];
    private Mat[]? _cache;
    private VideoCapture? _video;
    private int _next;
    private long _frameId;
    private long _startTicks;

    public ReplayCamera(ReplayOptions options, FramePool pool)
    {
        _options = options;
        _pool = pool;
    }

    public string Backend => "replay";

    public bool IsConnected { get; private set; }

    public long Dropped => 0;

    public ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        string path = System.IO.Path.GetFullPath(_options.Path);
        if (Directory.Exists(path))
        {
            _files = Directory.EnumerateFiles(path)
                .Where(f => ImageExtensions.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (_files.Length == 0)
            {
                throw new CameraException($"Replay folder '{path}' holds no images (.png .jpg .bmp .tif). Point Camera:Replay:Path at a folder of images or a video file.");
            }

            _cache = TryDecodeAll(cancellationToken);
        }
        else if (File.Exists(path))
        {
            _video = new VideoCapture(path);
            if (!_video.IsOpened())
            {
                throw new CameraException($"Replay video '{path}' cannot be opened by OpenCV. Use a format its FFmpeg/GStreamer build reads (e.g. MP4/H.264, AVI/MJPEG) or a folder of images.");
            }
        }
        else
        {
            throw new CameraException($"Replay source '{path}' does not exist. Set Camera:Replay:Path to a folder of images or a video file.");
        }

        _startTicks = Stopwatch.GetTimestamp();
        IsConnected = true;
        return ValueTask.CompletedTask;
    }

    public async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            throw new InvalidOperationException("OpenAsync first.");
        }

        await PaceAsync(cancellationToken).ConfigureAwait(false);
        long captureStart = Stopwatch.GetTimestamp();
        var image = NextImage();
        if (image is null)
        {
            return null;
        }

        long id = _frameId++;
        var frame = _pool.Rent(image.Width, image.Height, PixelFormat.Bgr8, id, (long)Stopwatch.GetElapsedTime(_startTicks, captureStart).TotalNanoseconds, captureStart);
        if (image.IsContinuous())
        {
            unsafe
            {
                new ReadOnlySpan<byte>((void*)image.Data, frame.Length).CopyTo(frame.Pixels);
            }
        }
        else
        {
            using var target = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Buffer);
            image.CopyTo(target);
        }

        return frame;
    }

    /// <summary>Waits until this frame is due at the configured rate, like a free-running camera.</summary>
    private async ValueTask PaceAsync(CancellationToken cancellationToken)
    {
        if (_options.Fps <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(_frameId / _options.Fps);
        var wait = due - Stopwatch.GetElapsedTime(_startTicks);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    private Mat? NextImage()
    {
        if (_video is not null)
        {
            if (!_video.Read(_decoded) || _decoded.Empty())
            {
                if (!_options.Loop || _frameId == 0)
                {
                    return null;
                }

                _video.Set(VideoCaptureProperties.PosFrames, 0);
                if (!_video.Read(_decoded) || _decoded.Empty())
                {
                    return null;
                }
            }

            return ToBgr(_decoded);
        }

        if (_next >= _files.Length)
        {
            if (!_options.Loop)
            {
                return null;
            }

            _next = 0;
        }

        int index = _next++;
        if (_cache is not null)
        {
            return _cache[index];
        }

        using var read = Cv2.ImRead(_files[index], ImreadModes.Color);
        if (read.Empty())
        {
            throw new CameraException($"Replay image '{_files[index]}' cannot be decoded. Replace or remove the file.");
        }

        read.CopyTo(_decoded);
        return _decoded;
    }

    private static Mat ToBgr(Mat image)
    {
        if (image.Type() != MatType.CV_8UC3)
        {
            throw new CameraException($"Replay video frames are {image.Type()}, expected 8-bit colour.");
        }

        return image;
    }

    private Mat[]? TryDecodeAll(CancellationToken cancellationToken)
    {
        var decoded = new List<Mat>(_files.Length);
        long bytes = 0;
        foreach (string file in _files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = Cv2.ImRead(file, ImreadModes.Color);
            if (image.Empty())
            {
                image.Dispose();
                decoded.ForEach(m => m.Dispose());
                throw new CameraException($"Replay image '{file}' cannot be decoded. Replace or remove the file.");
            }

            bytes += image.Total() * image.ElemSize();
            decoded.Add(image);
            if (bytes > _options.CacheBytes)
            {
                decoded.ForEach(m => m.Dispose());
                return null;
            }
        }

        return [.. decoded];
    }

    public ValueTask DisposeAsync()
    {
        IsConnected = false;
        _video?.Dispose();
        if (_cache is not null)
        {
            foreach (var image in _cache)
            {
                image.Dispose();
            }
        }

        _decoded.Dispose();
        return ValueTask.CompletedTask;
    }
}
