using System.Buffers.Binary;
using System.Diagnostics;
using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Acquisition;

/// <summary>
/// Replays recorded images with camera-like timing (a fixed frame rate, frame ids and
/// timestamps). A folder that fits the cache budget is decoded once, so replay costs a copy per
/// frame, like a camera's DMA; a video file is decoded frame by frame into a reused image.
/// Long on purpose: folder, video and cached playback share one timing and error rule (an unreadable or oversized file is an ERROR part, not a stop).
/// </summary>
public sealed class ReplayCamera : ICamera
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff"];

    private readonly ReplayOptions _options;
    private readonly FramePool _pool;
    private readonly Mat _decoded = new();
    private string[] _files = [];
    private Mat?[]? _cache;

    /// <summary>Why a cached folder's file has no image (undecodable, too large): its part is an ERROR verdict.</summary>
    private readonly Dictionary<int, string> _unusable = [];
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
            return _cache[index] ?? throw new CameraException(_unusable[index]);
        }

        using var read = Decode(_files[index], out string? problem);
        if (read is null)
        {
            throw new CameraException(problem!);
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

    /// <summary>
    /// Decodes the folder once when it fits <see cref="ReplayOptions.CacheBytes"/>; null when it
    /// does not. A file that cannot be used is kept as a gap with its reason (an ERROR part when
    /// its turn comes); a folder where no file can be used refuses to start.
    /// </summary>
    private Mat?[]? TryDecodeAll(CancellationToken cancellationToken)
    {
        var decoded = new List<Mat?>(_files.Length);
        long bytes = 0;
        for (int i = 0; i < _files.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = Decode(_files[i], out string? problem);
            if (image is null)
            {
                _unusable[i] = problem!;
                decoded.Add(null);
                continue;
            }

            bytes += image.Total() * image.ElemSize();
            decoded.Add(image);
            if (bytes > _options.CacheBytes)
            {
                decoded.ForEach(m => m?.Dispose());
                _unusable.Clear();
                return null;
            }
        }

        if (_unusable.Count == _files.Length)
        {
            throw new CameraException($"No image in replay folder '{System.IO.Path.GetDirectoryName(_files[0])}' can be used: {_unusable[0]}");
        }

        return [.. decoded];
    }

    /// <summary>The image as 8-bit BGR, or null and why not (too large by its header, undecodable).</summary>
    private Mat? Decode(string file, out string? problem)
    {
        if (ImageHeader.Size(file) is var (width, height) && (long)width * height > _options.MaxPixels)
        {
            problem = $"Replay image '{file}' is {width}x{height} ({(long)width * height / 1e6:0.#} MP), over Camera:Replay:MaxPixels = {_options.MaxPixels}; not decoded. Scale the file down or raise Camera:Replay:MaxPixels.";
            return null;
        }

        var image = Cv2.ImRead(file, ImreadModes.Color);
        if (image.Empty())
        {
            image.Dispose();
            problem = $"Replay image '{file}' cannot be decoded (truncated or not an image). Replace or remove the file.";
            return null;
        }

        if (image.Total() > _options.MaxPixels)
        {
            // A format whose header is not read here (TIFF): checked once decoded.
            problem = $"Replay image '{file}' is {image.Width}x{image.Height}, over Camera:Replay:MaxPixels = {_options.MaxPixels}. Scale the file down or raise Camera:Replay:MaxPixels.";
            image.Dispose();
            return null;
        }

        problem = null;
        return image;
    }

    /// <summary>Width and height from a PNG, JPEG or BMP header, without decoding; null for other formats or a short file.</summary>
    private static class ImageHeader
    {
        public static (int Width, int Height)? Size(string file)
        {
            try
            {
                using var stream = File.OpenRead(file);
                Span<byte> head = stackalloc byte[26];
                int read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
                if (read >= 24 && head[0] == 0x89 && head[1] == (byte)'P' && head[2] == (byte)'N' && head[3] == (byte)'G')
                {
                    return (BinaryPrimitives.ReadInt32BigEndian(head[16..]), BinaryPrimitives.ReadInt32BigEndian(head[20..]));
                }

                if (read >= 26 && head[0] == (byte)'B' && head[1] == (byte)'M')
                {
                    return (Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[18..])), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(head[22..])));
                }

                if (read >= 2 && head[0] == 0xFF && head[1] == 0xD8)
                {
                    stream.Position = 2;
                    return JpegFrameSize(stream);
                }
            }
            catch (IOException)
            {
                // Unreadable: the decoder reports it.
            }

            return null;
        }

        /// <summary>Walks the JPEG markers to the first start-of-frame (SOF0..SOF15 except DHT, JPG, DAC).</summary>
        private static (int Width, int Height)? JpegFrameSize(Stream stream)
        {
            Span<byte> segment = stackalloc byte[9];
            while (stream.ReadAtLeast(segment[..4], 4, throwOnEndOfStream: false) == 4)
            {
                if (segment[0] != 0xFF)
                {
                    return null;
                }

                byte marker = segment[1];
                int length = BinaryPrimitives.ReadUInt16BigEndian(segment[2..]);
                if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                {
                    if (stream.ReadAtLeast(segment[..5], 5, throwOnEndOfStream: false) < 5)
                    {
                        return null;
                    }

                    return (BinaryPrimitives.ReadUInt16BigEndian(segment[3..]), BinaryPrimitives.ReadUInt16BigEndian(segment[1..]));
                }

                stream.Seek(length - 2, SeekOrigin.Current);
            }

            return null;
        }
    }

    public ValueTask DisposeAsync()
    {
        IsConnected = false;
        _video?.Dispose();
        if (_cache is not null)
        {
            foreach (var image in _cache)
            {
                image?.Dispose();
            }
        }

        _decoded.Dispose();
        return ValueTask.CompletedTask;
    }
}
