using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Acquisition;

/// <summary>Which OpenCV capture backend opens <see cref="OpenCvCameraOptions.Source"/>.</summary>
public enum OpenCvCaptureApi
{
    /// <summary>OpenCV picks (V4L2 for a device index, FFmpeg for files and URLs).</summary>
    Any,

    /// <summary>Video4Linux2: UVC/USB webcams and CSI cameras exposed as /dev/videoN.</summary>
    V4L2,

    /// <summary>A GStreamer pipeline ending in <c>appsink</c> (needs an OpenCV built with GStreamer, e.g. JetPack's).</summary>
    GStreamer,

    /// <summary>FFmpeg: files, RTSP/HTTP streams.</summary>
    FFmpeg,
}

/// <summary>
/// Any source OpenCV's VideoCapture opens: a UVC device index, an RTSP/HTTP URL, a GStreamer
/// pipeline or a video file. Bound from <c>Camera:OpenCv</c>.
/// </summary>
public sealed class OpenCvCameraOptions
{
    public const string Section = "Camera:OpenCv";

    /// <summary>
    /// <c>0</c> (device index, /dev/video0), <c>rtsp://host/stream</c>, a GStreamer pipeline
    /// (<c>nvarguscamerasrc ! ... ! appsink</c>) or a video file. A file is a finite source: its end
    /// ends acquisition; any other source that stops delivering counts as a lost camera.
    /// </summary>
    [Required(ErrorMessage = "Camera:OpenCv:Source is required: a device index (0), an RTSP URL, a GStreamer pipeline or a video file.")]
    [MinLength(1, ErrorMessage = "Camera:OpenCv:Source is required: a device index (0), an RTSP URL, a GStreamer pipeline or a video file.")]
    public string Source { get; set; } = "0";

    public OpenCvCaptureApi Api { get; set; } = OpenCvCaptureApi.Any;

    /// <summary>Requested frame width (CAP_PROP_FRAME_WIDTH); 0 leaves the source's. The source may pick the nearest it supports.</summary>
    [Range(0, 16384)]
    public int Width { get; set; }

    /// <summary>Requested frame height (CAP_PROP_FRAME_HEIGHT); 0 leaves the source's.</summary>
    [Range(0, 16384)]
    public int Height { get; set; }

    /// <summary>Requested frame rate (CAP_PROP_FPS); 0 leaves the source's.</summary>
    [Range(0.0, 1000.0)]
    public double Fps { get; set; }

    /// <summary>Open and read timeout (CAP_PROP_OPEN_TIMEOUT_MSEC / READ_TIMEOUT_MSEC; honoured by FFmpeg and GStreamer).</summary>
    [Range(10, 600_000)]
    public int TimeoutMs { get; set; } = 5000;
}

[OptionsValidator]
public sealed partial class OpenCvCameraOptionsValidator : IValidateOptions<OpenCvCameraOptions>;
