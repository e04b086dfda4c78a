using System.Diagnostics;
using System.Globalization;
using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Acquisition;

/// <summary>
/// A camera through OpenCV's VideoCapture: UVC webcams, RTSP/IP cameras, GStreamer pipelines
/// (CSI cameras through <c>nvarguscamerasrc</c> on a Jetson) and video files. Frames are converted
/// to BGR and copied into pooled <see cref="PixelFormat.Bgr8"/> frames. A source that stops
/// delivering throws <see cref="CameraException"/> with <see cref="CameraException.Disconnected"/>;
/// <see cref="OpenAsync"/> releases and reopens it. A file ends with null.
/// </summary>
public sealed class OpenCvCamera : BlockingCamera
{
    // CAP_PROP_OPEN_TIMEOUT_MSEC / CAP_PROP_READ_TIMEOUT_MSEC (OpenCV 4.5+), passed at open.
    private const int OpenTimeoutProperty = 53;
    private const int ReadTimeoutProperty = 54;

    private readonly OpenCvCameraOptions _options;
    private readonly FramePool _pool;
    private readonly Mat _read = new();
    private readonly Mat _bgr = new();
    private VideoCapture? _capture;
    private bool _isFile;
    private long _frameId;
    private long _startTicks;

    public OpenCvCamera(OpenCvCameraOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options;
        _pool = pool;
    }

    public override string Backend => "opencv";

    public override long Dropped => 0;

    /// <summary>The backend OpenCV chose and the geometry/rate the source reports after the last open.</summary>
    public string? Description { get; private set; }

    protected override string Label => $"OpenCV source '{_options.Source}'";

    /// <summary>Maps the option to OpenCV's API preference.</summary>
    public static VideoCaptureAPIs ToApi(OpenCvCaptureApi api) => api switch
    {
        OpenCvCaptureApi.V4L2 => VideoCaptureAPIs.V4L2,
        OpenCvCaptureApi.GStreamer => VideoCaptureAPIs.GSTREAMER,
        OpenCvCaptureApi.FFmpeg => VideoCaptureAPIs.FFMPEG,
        _ => VideoCaptureAPIs.ANY,
    };

    /// <summary>Opening a network stream or a device blocks up to the open timeout; the base runs this off the caller.</summary>
    protected override void Connect()
    {
        string source = _options.Source.Trim();
        var api = ToApi(_options.Api);
        int[] parameters = [OpenTimeoutProperty, _options.TimeoutMs, ReadTimeoutProperty, _options.TimeoutMs];
        bool isIndex = int.TryParse(source, NumberStyles.None, CultureInfo.InvariantCulture, out int index);
        _isFile = !isIndex && File.Exists(source);
        var capture = Open(source, isIndex, index, api, parameters);
        if (!capture.IsOpened())
        {
            // Backends that do not know the timeout properties refuse an open that carries them.
            capture.Dispose();
            capture = Open(source, isIndex, index, api, []);
        }

        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new CameraException($"OpenCV cannot open '{source}' with API {_options.Api} (Camera:OpenCv:Source, Camera:OpenCv:Api): {Hint(source, isIndex)}");
        }

        if (_options.Width > 0)
        {
            capture.Set(VideoCaptureProperties.FrameWidth, _options.Width);
        }

        if (_options.Height > 0)
        {
            capture.Set(VideoCaptureProperties.FrameHeight, _options.Height);
        }

        if (_options.Fps > 0)
        {
            capture.Set(VideoCaptureProperties.Fps, _options.Fps);
        }

        Description = string.Create(CultureInfo.InvariantCulture, $"{capture.GetBackendName()} {capture.FrameWidth}x{capture.FrameHeight} @ {capture.Fps:0.##} fps");
        _capture = capture;
        _frameId = 0;
        _startTicks = Stopwatch.GetTimestamp();
    }

    private static VideoCapture Open(string source, bool isIndex, int index, VideoCaptureAPIs api, int[] parameters) =>
        isIndex ? new VideoCapture(index, api, parameters) : new VideoCapture(source, api, parameters);

    private string Hint(string source, bool isIndex)
    {
        if (isIndex)
        {
            return $"no video device {source} (ls /dev/video*; the user needs the video group).";
        }

        if (source.Contains('!', StringComparison.Ordinal))
        {
            return "a GStreamer pipeline needs an OpenCV built with GStreamer (Camera:OpenCv:Api=GStreamer; JetPack's OpenCV has it, the NuGet runtime does not) and must end in appsink.";
        }

        if (source.Contains("://", StringComparison.Ordinal))
        {
            return $"the stream did not answer within {_options.TimeoutMs} ms (Camera:OpenCv:TimeoutMs); check the URL, credentials and network.";
        }

        return File.Exists(source) ? "the file's codec or container is not readable by this OpenCV build." : "no such file or device.";
    }

    /// <summary>VideoCapture.Read cannot be interrupted: it returns within the read timeout, so the token goes unpolled.</summary>
    protected override Frame? Capture(CancellationToken cancellationToken)
    {
        var capture = _capture!;
        long captureStart = Stopwatch.GetTimestamp();
        if (!capture.Read(_read) || _read.Empty())
        {
            if (_isFile)
            {
                return null;
            }

            LoseConnection();
            throw new CameraException($"OpenCV source '{_options.Source}' delivered no frame (disconnected, stream ended or read timeout {_options.TimeoutMs} ms); reopening.", disconnected: true);
        }

        var image = ToBgr(_read);
        long id = _frameId++;
        long timestampNs = (long)Stopwatch.GetElapsedTime(_startTicks, captureStart).TotalNanoseconds;
        var frame = _pool.Rent(image.Width, image.Height, PixelFormat.Bgr8, id, timestampNs, captureStart);
        using (var target = Mat.FromPixelData(frame.Height, frame.Width, MatType.CV_8UC3, frame.Buffer))
        {
            image.CopyTo(target);
        }

        return frame;
    }

    private Mat ToBgr(Mat image)
    {
        int channels = image.Channels();
        if (image.Depth() != MatType.CV_8U)
        {
            throw new CameraException($"OpenCV source '{_options.Source}' delivers {image.Type()} frames; only 8-bit frames are supported.");
        }

        switch (channels)
        {
            case 3:
                return image;
            case 1:
                Cv2.CvtColor(image, _bgr, ColorConversionCodes.GRAY2BGR);
                return _bgr;
            case 4:
                Cv2.CvtColor(image, _bgr, ColorConversionCodes.BGRA2BGR);
                return _bgr;
            default:
                throw new CameraException($"OpenCV source '{_options.Source}' delivers {channels}-channel frames; expected 1, 3 or 4.");
        }
    }

    protected override void TearDown(bool wasConnected)
    {
        _capture?.Dispose();
        _capture = null;
    }

    protected override void DisposeResources()
    {
        _read.Dispose();
        _bgr.Dispose();
    }
}
