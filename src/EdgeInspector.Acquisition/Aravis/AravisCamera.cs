using System.Diagnostics;
using System.Globalization;
using EdgeInspector.Core;
using static EdgeInspector.Acquisition.AravisNativeMethods;

namespace EdgeInspector.Acquisition;

/// <summary>A GenICam camera Aravis found on the bus.</summary>
public sealed record AravisDevice(string Id, string? Model, string? Serial, string? Address, string? PhysicalId)
{
    public override string ToString() =>
        $"{Id} (model {Model ?? "?"}, serial {Serial ?? "?"}, address {Address ?? "?"}, physical {PhysicalId ?? "?"})";
}

/// <summary>What the camera reports after <see cref="AravisCamera.OpenAsync"/> configured it.</summary>
public sealed record AravisSettings(
    string DeviceId,
    string PixelFormat,
    int OffsetX,
    int OffsetY,
    int Width,
    int Height,
    double? ExposureUs,
    double? Gain,
    double? FrameRate,
    string? TriggerMode,
    string? TriggerSource,
    string? TriggerActivation,
    string? StrobeLine,
    string? StrobeLineSource)
{
    /// <summary>Every planned write, as <c>Node=value read back</c>.</summary>
    public IReadOnlyList<string> Applied { get; init; } = [];

    /// <summary>Optional writes the camera has no node for.</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];
}

/// <summary>
/// A USB3 Vision / GigE Vision camera through libaravis 0.8 (P/Invoke). <see cref="OpenAsync"/>
/// tears down whatever was open and opens and configures the camera again, so the agent recovers
/// from a <see cref="CameraException"/> with <see cref="CameraException.Disconnected"/> set by
/// calling it again. The features it writes are <see cref="GenICamNodePlan"/>'s, through Aravis'
/// generic feature calls; the capture loop is <see cref="GenICamCamera"/>'s: this class holds only
/// the Aravis calls.
/// </summary>
public sealed class AravisCamera : GenICamCamera
{
    private readonly AravisOptions _options;
    private nint _camera;
    private nint _stream;
    private ulong _lastRawId;
    private long _idOffset;
    private bool _haveId;

    public AravisCamera(AravisOptions options, FramePool pool)
        : base(options, AravisOptions.Section, pool)
    {
        _options = options;
    }

    public override string Backend => "aravis";

    /// <summary>The configuration read back from the camera at the last successful open.</summary>
    public AravisSettings? Settings { get; private set; }

    /// <summary>Cameras Aravis discovers now (GigE discovery waits about a second).</summary>
    public static IReadOnlyList<AravisDevice> Discover()
    {
        try
        {
            arv_update_device_list();
            uint count = arv_get_n_devices();
            var devices = new List<AravisDevice>((int)count);
            for (uint i = 0; i < count; i++)
            {
                devices.Add(new AravisDevice(
                    Utf8(arv_get_device_id(i)) ?? $"#{i}",
                    Utf8(arv_get_device_model(i)),
                    Utf8(arv_get_device_serial_nbr(i)),
                    Utf8(arv_get_device_address(i)),
                    Utf8(arv_get_device_physical_id(i))));
            }

            return devices;
        }
        catch (DllNotFoundException e)
        {
            throw MissingLibrary(e);
        }
    }

    protected override string Label => "Aravis camera";

    /// <summary>Discovery, GVCP timeouts and the teardown of a lost device all block; the base runs this off the caller.</summary>
    protected override void Connect()
    {
        OpenDevice();
        nint error = 0;
        arv_camera_stop_acquisition(_camera, ref error);
        TakeError(error); // A camera that was not acquiring may refuse; that is fine.

        // Aravis exposes the device's features only; the plan's stream writes are optional and skipped.
        var (applied, skipped) = Configure(new AravisNodes(_camera), stream: null);
        Settings = ReadBack(applied, skipped);
        StartStream();
    }

    protected override CameraException? ExplainOpenFailure(Exception failure) => failure switch
    {
        DllNotFoundException => MissingLibrary(failure),
        EntryPointNotFoundException => new CameraException($"The installed {Aravis} lacks {failure.Message}; EdgeInspector needs Aravis 0.8.20 or newer.", failure),
        _ => null,
    };

    private void OpenDevice()
    {
        string? name = string.IsNullOrWhiteSpace(_options.DeviceId) ? null : _options.DeviceId;
        nint error = 0;
        _camera = arv_camera_new(name, ref error);
        if (_camera != 0)
        {
            return;
        }

        string reason = TakeError(error);
        var found = Discover();
        string list = found.Count == 0
            ? "Aravis discovered no cameras: check the cable and power, Aravis' udev rules for USB3 cameras, usbcore.usbfs_memory_mb, and for GigE the network interface and firewall (UDP 3956)."
            : $"Discovered: {string.Join("; ", found)}. Set Camera:Aravis:DeviceId to one of these ids, serials or addresses.";
        throw new CameraException($"Aravis camera '{name ?? "(first found)"}' cannot be opened: {reason}. {list}");
    }

    private delegate int Availability(nint camera, ref nint error);

    private AravisSettings ReadBack(IReadOnlyList<string> applied, IReadOnlyList<string> skipped)
    {
        nint error = 0;
        arv_camera_get_region(_camera, out int x, out int y, out int w, out int h, ref error);
        Check(error, "reading the region back");
        double? exposure = ReadFloat(arv_camera_is_exposure_time_available, arv_camera_get_exposure_time);
        double? gain = ReadFloat(arv_camera_is_gain_available, arv_camera_get_gain);
        double? rate = ReadFloat(arv_camera_is_frame_rate_available, arv_camera_get_frame_rate);
        bool hasTrigger = IsAvailable("TriggerMode");
        string? strobeSource = null;
        if (_options.StrobeLine is { Length: > 0 })
        {
            strobeSource = GetString("LineSource");
        }

        return new AravisSettings(
            DeviceIdOfCamera() ?? _options.DeviceId ?? "",
            PixelFormatName() ?? "",
            x,
            y,
            w,
            h,
            exposure,
            gain,
            rate,
            hasTrigger ? GetString("TriggerMode") : null,
            hasTrigger ? GetString("TriggerSource") : null,
            hasTrigger && IsAvailable("TriggerActivation") ? GetString("TriggerActivation") : null,
            _options.StrobeLine is { Length: > 0 } ? GetString("LineSelector") : null,
            strobeSource)
        {
            Applied = applied,
            Skipped = skipped,
        };
    }

    private string? DeviceIdOfCamera()
    {
        nint error = 0;
        nint id = arv_camera_get_device_id(_camera, ref error);
        if (error != 0)
        {
            TakeError(error);
            return null;
        }

        return Utf8(id);
    }

    private delegate double FloatGetter(nint camera, ref nint error);

    private double? ReadFloat(Availability available, FloatGetter get)
    {
        nint error = 0;
        bool present = available(_camera, ref error) != 0;
        TakeError(error);
        if (!present)
        {
            return null;
        }

        error = 0;
        double value = get(_camera, ref error);
        if (error != 0)
        {
            TakeError(error);
            return null;
        }

        return value;
    }

    private void StartStream()
    {
        nint error = 0;
        uint payload = arv_camera_get_payload(_camera, ref error);
        Check(error, "reading PayloadSize");
        _stream = arv_camera_create_stream(_camera, 0, 0, ref error);
        Check(error, "creating the stream");
        if (_stream == 0)
        {
            throw new CameraException("Aravis could not create a stream for the camera (for GigE: check the NIC's MTU and that UDP is not blocked).", disconnected: true);
        }

        for (int i = 0; i < _options.BufferCount; i++)
        {
            arv_stream_push_buffer(_stream, arv_buffer_new(payload, 0));
        }

        arv_camera_set_acquisition_mode(_camera, AcquisitionModeContinuous, ref error);
        Check(error, "setting AcquisitionMode=Continuous");
        arv_camera_start_acquisition(_camera, ref error);
        Check(error, "starting acquisition (AcquisitionStart)");
        _haveId = false;
        _idOffset = 0;
    }

    protected override void TriggerSoftware()
    {
        nint error = 0;
        arv_camera_software_trigger(_camera, ref error);
        if (error != 0)
        {
            LoseConnection();
            throw new CameraException($"The camera did not accept TriggerSoftware: {TakeError(error)}.", disconnected: true);
        }
    }

    protected override nint NextBuffer(TimeSpan wait) => arv_stream_timeout_pop_buffer(_stream, (ulong)wait.TotalMicroseconds);

    protected override GenICamImage? Describe(nint buffer)
    {
        if (arv_buffer_get_status(buffer) != BufferStatusSuccess)
        {
            return null;
        }

        int width = arv_buffer_get_image_width(buffer);
        int height = arv_buffer_get_image_height(buffer);
        nint data = arv_buffer_get_data(buffer, out nuint size);
        if (width <= 0 || height <= 0 || (ulong)width * (ulong)height * (ulong)FrameFormat.BytesPerPixel() > size)
        {
            return null;
        }

        ulong timestamp = arv_buffer_get_timestamp(buffer);
        if (timestamp == 0)
        {
            timestamp = arv_buffer_get_system_timestamp(buffer);
        }

        return new GenICamImage(data, width, height, 0, arv_buffer_get_frame_id(buffer), timestamp);
    }

    protected override void ReleaseBuffer(nint buffer) => arv_stream_push_buffer(_stream, buffer);

    /// <summary>GigE Vision 1.x block ids are 16 bits and skip 0: unwrap them so ids keep increasing.</summary>
    protected override long FrameId(ulong raw)
    {
        if (_haveId && raw < _lastRawId && _lastRawId <= ushort.MaxValue && _lastRawId - raw > ushort.MaxValue / 2)
        {
            _idOffset += ushort.MaxValue;
        }

        _haveId = true;
        _lastRawId = raw;
        return (long)raw + _idOffset;
    }

    protected override bool CameraAnswers()
    {
        nint error = 0;
        arv_camera_get_string(_camera, "TriggerMode", ref error);
        if (error == 0)
        {
            return true;
        }

        TakeError(error);
        return false;
    }

    private bool IsAvailable(string feature)
    {
        nint error = 0;
        bool available = arv_camera_is_feature_available(_camera, feature, ref error) != 0;
        TakeError(error);
        return available;
    }

    private static List<string> Enumerations(nint camera, string feature)
    {
        nint error = 0;
        nint array = arv_camera_dup_available_enumerations_as_strings(camera, feature, out uint count, ref error);
        TakeError(error);
        var values = new List<string>((int)count);
        if (array == 0)
        {
            return values;
        }

        for (int i = 0; i < count; i++)
        {
            // The strings belong to the camera's genicam nodes; only the array is ours.
            values.Add(Utf8(System.Runtime.InteropServices.Marshal.ReadIntPtr(array, i * nint.Size)) ?? "");
        }

        g_free(array);
        return values;
    }

    private string? GetString(string feature)
    {
        nint error = 0;
        nint value = arv_camera_get_string(_camera, feature, ref error);
        Check(error, $"reading {feature}");
        return Utf8(value);
    }

    private string? PixelFormatName()
    {
        nint error = 0;
        nint value = arv_camera_get_pixel_format_as_string(_camera, ref error);
        Check(error, "reading PixelFormat");
        return Utf8(value);
    }

    private static void Check(nint error, string doing)
    {
        if (error != 0)
        {
            throw new CameraException($"Aravis failed {doing}: {TakeError(error)}.");
        }
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static CameraException MissingLibrary(Exception e) => new(
        $"{Aravis} is not installed (or not on the loader path): install it with `apt-get install libaravis-0.8-0` (and Aravis' udev rules for USB3 cameras), or choose another Camera:Backend.", e);

    /// <summary>Stops acquisition (unless the device is gone) and releases the stream and camera.</summary>
    protected override void TearDown(bool wasConnected)
    {
        if (_camera != 0 && wasConnected)
        {
            nint error = 0;
            arv_camera_stop_acquisition(_camera, ref error);
            TakeError(error);
        }

        if (_stream != 0)
        {
            g_object_unref(_stream);
            _stream = 0;
        }

        if (_camera != 0)
        {
            g_object_unref(_camera);
            _camera = 0;
        }
    }

    /// <summary>The camera's features through Aravis' generic calls, as <see cref="GenICamNodePlan.Apply"/> writes them.</summary>
    private sealed class AravisNodes(nint camera) : IGenICamNodes
    {
        public NodeAccess Access(string node)
        {
            nint error = 0;
            bool available = arv_camera_is_feature_available(camera, node, ref error) != 0;
            TakeError(error);
            return available ? NodeAccess.Writable : NodeAccess.Missing;
        }

        public IReadOnlyList<string> Entries(string node) => Enumerations(camera, node);

        public void SetEnumeration(string node, string entry)
        {
            nint error = 0;
            arv_camera_set_string(camera, node, entry, ref error);
            Check(error, $"setting {node}={entry}");
        }

        public string? GetEnumeration(string node)
        {
            nint error = 0;
            nint value = arv_camera_get_string(camera, node, ref error);
            Check(error, $"reading {node}");
            return Utf8(value);
        }

        public (double Min, double Max) FloatBounds(string node)
        {
            nint error = 0;
            arv_camera_get_float_bounds(camera, node, out double min, out double max, ref error);
            Check(error, $"reading the {node} bounds");
            return (min, max);
        }

        public void SetFloat(string node, double value)
        {
            nint error = 0;
            arv_camera_set_float(camera, node, value, ref error);
            Check(error, $"setting {node}={Format(value)}");
        }

        public double GetFloat(string node)
        {
            nint error = 0;
            double value = arv_camera_get_float(camera, node, ref error);
            Check(error, $"reading {node}");
            return value;
        }

        public (long Min, long Max, long Increment) IntegerBounds(string node)
        {
            nint error = 0;
            arv_camera_get_integer_bounds(camera, node, out long min, out long max, ref error);
            Check(error, $"reading the {node} bounds");
            long increment = arv_camera_get_integer_increment(camera, node, ref error);
            Check(error, $"reading the {node} increment");
            return (min, max, increment);
        }

        public void SetInteger(string node, long value)
        {
            nint error = 0;
            arv_camera_set_integer(camera, node, value, ref error);
            Check(error, $"setting {node}={value}");
        }

        public long GetInteger(string node)
        {
            nint error = 0;
            long value = arv_camera_get_integer(camera, node, ref error);
            Check(error, $"reading {node}");
            return value;
        }

        public void SetBoolean(string node, bool value)
        {
            nint error = 0;
            arv_camera_set_boolean(camera, node, value ? 1 : 0, ref error);
            Check(error, $"setting {node}={value}");
        }

        public bool GetBoolean(string node)
        {
            nint error = 0;
            int value = arv_camera_get_boolean(camera, node, ref error);
            Check(error, $"reading {node}");
            return value != 0;
        }
    }
}
