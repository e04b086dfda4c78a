using EdgeInspector.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Acquisition;

public enum CameraBackend
{
    /// <summary>Recorded images or a video file.</summary>
    Replay,

    /// <summary>Any GenICam camera (USB3 Vision, GigE Vision) through Aravis.</summary>
    Aravis,

    /// <summary>FLIR cameras through the Spinnaker SDK's C API (Linux, Jetson).</summary>
    Spinnaker,

    /// <summary>OpenCV VideoCapture: UVC devices, RTSP, GStreamer pipelines (bench setups).</summary>
    OpenCv,
}

/// <summary>The <c>Camera</c> configuration section: which backend, and each backend's settings.</summary>
public sealed class CameraOptions
{
    public const string Section = "Camera";

    public CameraBackend Backend { get; set; } = CameraBackend.Replay;

    [ValidateObjectMembers]
    public ReplayOptions Replay { get; set; } = new();

    [ValidateObjectMembers]
    public AravisOptions Aravis { get; set; } = new();

    [ValidateObjectMembers]
    public SpinnakerOptions Spinnaker { get; set; } = new();

    [ValidateObjectMembers]
    public OpenCvCameraOptions OpenCv { get; set; } = new();
}

/// <summary>
/// A camera named on a command line, one syntax for the agent's <c>--camera</c> and the CLI's
/// <c>capture --camera</c>: <c>replay[:DIR]</c>, <c>aravis[:ID]</c> (device id, serial or IP
/// address), <c>spinnaker[:SERIAL]</c>, <c>opencv:SOURCE</c> (device index, URL, GStreamer
/// pipeline or video file).
/// </summary>
public sealed record CameraSpec(CameraBackend Backend, string? Device)
{
    public const string Syntax = "replay[:DIR], aravis[:ID], spinnaker[:SERIAL] or opencv:SOURCE";

    public static CameraSpec Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string[] parts = value.Split(':', 2);
        string? device = parts.Length == 2 && parts[1].Length > 0 ? parts[1] : null;
        return parts[0].ToLowerInvariant() switch
        {
            "replay" => new CameraSpec(CameraBackend.Replay, device),
            "aravis" => new CameraSpec(CameraBackend.Aravis, device),
            "spinnaker" => new CameraSpec(CameraBackend.Spinnaker, device),
            "opencv" when device is not null => new CameraSpec(CameraBackend.OpenCv, device),
            _ => throw new ArgumentException($"--camera '{value}' is not a camera backend; use {Syntax}."),
        };
    }

    /// <summary>The configuration keys (under <c>Camera:</c>) this selection sets, the device's only when named.</summary>
    public IEnumerable<KeyValuePair<string, string>> Settings()
    {
        yield return new($"{CameraOptions.Section}:Backend", Backend.ToString());
        if (Device is not null)
        {
            yield return new($"{CameraOptions.Section}:{DeviceKey}", Device);
        }
    }

    /// <summary>Sets the backend and its device (when named) in <paramref name="options"/>.</summary>
    public CameraOptions ApplyTo(CameraOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Backend = Backend;
        if (Device is null)
        {
            return options;
        }

        switch (Backend)
        {
            case CameraBackend.Replay:
                options.Replay.Path = Device;
                break;
            case CameraBackend.Aravis:
                options.Aravis.DeviceId = Device;
                break;
            case CameraBackend.Spinnaker:
                options.Spinnaker.Serial = Device;
                break;
            case CameraBackend.OpenCv:
                options.OpenCv.Source = Device;
                break;
        }

        return options;
    }

    private string DeviceKey => Backend switch
    {
        CameraBackend.Replay => "Replay:Path",
        CameraBackend.Aravis => "Aravis:DeviceId",
        CameraBackend.Spinnaker => "Spinnaker:Serial",
        _ => "OpenCv:Source",
    };
}

/// <summary>Builds the configured camera: the one place the agent and the CLI turn options into a backend.</summary>
public static class CameraFactory
{
    public static ICamera Create(CameraOptions options, FramePool pool, ILoggerFactory? loggers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        loggers ??= NullLoggerFactory.Instance;
        return options.Backend switch
        {
            CameraBackend.Replay when string.IsNullOrWhiteSpace(options.Replay.Path) =>
                throw new ArgumentException("Camera:Replay:Path is required for the replay camera: a folder of images or a video file (replay:DIR; the agent's --demo generates one)."),
            CameraBackend.Replay => new ReplayCamera(options.Replay, pool),
            CameraBackend.Aravis => new AravisCamera(options.Aravis, pool),
            CameraBackend.Spinnaker => new SpinnakerCamera(options.Spinnaker, pool, loggers.CreateLogger<SpinnakerCamera>()),
            CameraBackend.OpenCv => new OpenCvCamera(options.OpenCv, pool),
            _ => throw new ArgumentException($"Camera:Backend {options.Backend} is not supported."),
        };
    }
}
