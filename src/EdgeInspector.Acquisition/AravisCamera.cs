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
    string? StrobeLineSource);

/// <summary>
/// A USB3 Vision / GigE Vision camera through libaravis 0.8 (P/Invoke). <see cref="OpenAsync"/>
/// tears down whatever was open and opens and configures the camera again, so the agent recovers
/// from a <see cref="CameraException"/> with <see cref="CameraException.Disconnected"/> set by
/// calling it again. Captures copy the driver's buffer into a pooled <see cref="Frame"/> and
/// give the buffer straight back to the stream.
/// Long on purpose: a device binding over libaravis (P/Invoke lifecycle, GenICam feature
/// writes, stream buffers, reconnect), kept whole like a dotnet/iot binding.
/// </summary>
public sealed class AravisCamera : BlockingCamera
{
    private static readonly TimeSpan PopSlice = TimeSpan.FromMilliseconds(50);

    private readonly AravisOptions _options;
    private readonly FramePool _pool;
    private nint _camera;
    private nint _stream;
    private long _dropped;
    private PixelFormat _format;
    private ulong _lastRawId;
    private long _idOffset;
    private bool _haveId;

    public AravisCamera(AravisOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options;
        _pool = pool;
    }

    public override string Backend => "aravis";

    public override long Dropped => Interlocked.Read(ref _dropped);

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
        Settings = Configure();
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

    private AravisSettings Configure()
    {
        nint error = 0;
        arv_camera_stop_acquisition(_camera, ref error);
        TakeError(error); // A camera that was not acquiring may refuse; that is fine.

        // Pixel format first: it changes the payload and on some cameras the region bounds.
        SetEnumeration("PixelFormat", _options.PixelFormat, "PixelFormat", (c, v) =>
        {
            nint e = 0;
            arv_camera_set_pixel_format_from_string(c, v, ref e);
            return e;
        });
        _format = _options.PixelFormat switch
        {
            "RGB8" => PixelFormat.Rgb8,
            "Mono8" => PixelFormat.Mono8,
            _ => PixelFormat.BayerRG8,
        };

        ConfigureRegion();

        if (_options.ExposureUs is double exposure)
        {
            SetBounded("ExposureTime", "ExposureUs", exposure, arv_camera_is_exposure_time_available, arv_camera_get_exposure_time_bounds, arv_camera_set_exposure_time);
        }

        if (_options.Gain is double gain)
        {
            SetBounded("Gain", "Gain", gain, arv_camera_is_gain_available, arv_camera_get_gain_bounds, arv_camera_set_gain);
        }

        // Some cameras switch TriggerMode off when the frame rate is set: set it before the trigger.
        if (_options.FrameRate is double rate)
        {
            SetBounded("AcquisitionFrameRate", "FrameRate", rate, arv_camera_is_frame_rate_available, arv_camera_get_frame_rate_bounds, arv_camera_set_frame_rate);
        }

        ConfigureTrigger();

        if (_options.StrobeLine is { Length: > 0 } line)
        {
            SetEnumeration("LineSelector", line, "StrobeLine");
            SetEnumeration("LineMode", "Output", "StrobeLine");
            SetEnumeration("LineSource", "ExposureActive", "StrobeLine");
        }

        return ReadBack();
    }

    private void ConfigureRegion()
    {
        nint error = 0;
        arv_camera_get_sensor_size(_camera, out int sensorWidth, out int sensorHeight, ref error);
        Check(error, "reading SensorWidth/SensorHeight");
        arv_camera_get_width_bounds(_camera, out int minWidth, out int maxWidth, ref error);
        Check(error, "reading the Width bounds");
        arv_camera_get_height_bounds(_camera, out int minHeight, out int maxHeight, ref error);
        Check(error, "reading the Height bounds");
        int fullWidth = Math.Max(sensorWidth, maxWidth);
        int fullHeight = Math.Max(sensorHeight, maxHeight);

        int width = _options.Width == 0 ? fullWidth - _options.OffsetX : _options.Width;
        int height = _options.Height == 0 ? fullHeight - _options.OffsetY : _options.Height;
        if (width < minWidth || _options.OffsetX + width > fullWidth)
        {
            throw new CameraException($"Camera feature Width/OffsetX cannot take Width={width}, OffsetX={_options.OffsetX}: the camera allows Width {minWidth}..{fullWidth} and OffsetX + Width <= {fullWidth} (Camera:Aravis:Width, Camera:Aravis:OffsetX).");
        }

        if (height < minHeight || _options.OffsetY + height > fullHeight)
        {
            throw new CameraException($"Camera feature Height/OffsetY cannot take Height={height}, OffsetY={_options.OffsetY}: the camera allows Height {minHeight}..{fullHeight} and OffsetY + Height <= {fullHeight} (Camera:Aravis:Height, Camera:Aravis:OffsetY).");
        }

        arv_camera_set_region(_camera, _options.OffsetX, _options.OffsetY, width, height, ref error);
        Check(error, $"setting the region OffsetX={_options.OffsetX} OffsetY={_options.OffsetY} Width={width} Height={height}");
        arv_camera_get_region(_camera, out int x, out int y, out int w, out int h, ref error);
        Check(error, "reading the region back");
        if (x != _options.OffsetX || y != _options.OffsetY || w != width || h != height)
        {
            throw new CameraException($"Camera feature Width/Height/OffsetX/OffsetY: asked for {width}x{height} at ({_options.OffsetX},{_options.OffsetY}), the camera set {w}x{h} at ({x},{y}); use values that are multiples of the camera's increments (Camera:Aravis:Width/Height/OffsetX/OffsetY).");
        }
    }

    private void ConfigureTrigger()
    {
        nint error = 0;
        if (_options.Trigger == CameraTrigger.FreeRun)
        {
            if (IsAvailable("TriggerMode"))
            {
                arv_camera_clear_triggers(_camera, ref error);
                Check(error, "switching triggers off (TriggerMode=Off) for free run");
            }

            return;
        }

        string source = _options.Trigger.ToString();
        SetEnumeration("TriggerSource", source, "Trigger", (c, v) =>
        {
            nint e = 0;
            arv_camera_set_trigger(c, v, ref e);
            return e;
        });
        SetEnumeration("TriggerActivation", _options.TriggerActivation, "TriggerActivation");
        string? mode = GetString("TriggerMode");
        if (mode != "On")
        {
            throw new CameraException($"Camera feature TriggerMode reads '{mode}' after enabling TriggerSource={source}; expected On.");
        }
    }

    /// <summary>Sets an enumeration feature after checking it exists and offers the value; reads it back.</summary>
    private void SetEnumeration(string feature, string value, string option, Func<nint, string, nint>? set = null)
    {
        if (!IsAvailable(feature))
        {
            throw new CameraException($"Camera feature {feature} is not available on this camera, so Camera:Aravis:{option} cannot set it to '{value}'.");
        }

        var offered = Enumerations(feature);
        if (offered.Count > 0 && !offered.Contains(value, StringComparer.Ordinal))
        {
            throw new CameraException($"Camera feature {feature} cannot be '{value}' (Camera:Aravis:{option}); this camera offers {string.Join(", ", offered)}.");
        }

        nint error;
        if (set is null)
        {
            error = 0;
            arv_camera_set_string(_camera, feature, value, ref error);
        }
        else
        {
            error = set(_camera, value);
        }

        Check(error, $"setting {feature}={value} (Camera:Aravis:{option})");
        string? actual = feature == "PixelFormat" ? PixelFormatName() : GetString(feature);
        if (!string.Equals(actual, value, StringComparison.Ordinal))
        {
            throw new CameraException($"Camera feature {feature} reads '{actual}' after setting '{value}' (Camera:Aravis:{option}).");
        }
    }

    private delegate int Availability(nint camera, ref nint error);

    private delegate void Bounds(nint camera, out double min, out double max, ref nint error);

    private delegate void FloatSetter(nint camera, double value, ref nint error);

    /// <summary>Sets a float feature after checking it exists and the value is within its bounds.</summary>
    private void SetBounded(string feature, string option, double value, Availability available, Bounds bounds, FloatSetter set)
    {
        nint error = 0;
        bool present = available(_camera, ref error) != 0;
        Check(error, $"checking {feature}");
        if (!present)
        {
            throw new CameraException($"Camera feature {feature} is not available on this camera, so Camera:Aravis:{option}={Format(value)} cannot be applied; leave it unset.");
        }

        bounds(_camera, out double min, out double max, ref error);
        Check(error, $"reading the {feature} bounds");
        if (value < min || value > max)
        {
            throw new CameraException($"Camera feature {feature} cannot be {Format(value)} (Camera:Aravis:{option}): this camera allows {Format(min)}..{Format(max)}.");
        }

        set(_camera, value, ref error);
        Check(error, $"setting {feature}={Format(value)} (Camera:Aravis:{option})");
    }

    private AravisSettings ReadBack()
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
            strobeSource);
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

    protected override Frame Capture(CancellationToken cancellationToken)
    {
        long captureStart = Stopwatch.GetTimestamp();
        if (_options.Trigger == CameraTrigger.Software)
        {
            DrainStale();
            captureStart = Stopwatch.GetTimestamp();
            nint error = 0;
            arv_camera_software_trigger(_camera, ref error);
            if (error != 0)
            {
                LoseConnection();
                throw new CameraException($"The camera did not accept TriggerSoftware: {TakeError(error)}.", disconnected: true);
            }
        }

        var timeout = TimeSpan.FromMilliseconds(_options.TimeoutMs);
        long deadline = FrameDeadline(timeout);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            nint buffer = arv_stream_timeout_pop_buffer(_stream, (ulong)PopSlice.TotalMicroseconds);
            if (buffer == 0)
            {
                if (WaitOn(ref deadline, timeout, _options.Trigger))
                {
                    continue;
                }

                throw new CameraException($"No frame from the Aravis camera within {_options.TimeoutMs} ms (Camera:Aravis:TimeoutMs, trigger {_options.Trigger}): the camera or its stream is lost; reopening.", disconnected: true);
            }

            try
            {
                if (arv_buffer_get_status(buffer) != BufferStatusSuccess)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                var frame = CopyFrame(buffer, _options.Trigger == CameraTrigger.FreeRun ? Stopwatch.GetTimestamp() : captureStart);
                if (frame is null)
                {
                    Interlocked.Increment(ref _dropped);
                    continue;
                }

                return frame;
            }
            finally
            {
                arv_stream_push_buffer(_stream, buffer);
            }
        }
    }

    private Frame? CopyFrame(nint buffer, long captureStart)
    {
        int width = arv_buffer_get_image_width(buffer);
        int height = arv_buffer_get_image_height(buffer);
        nint data = arv_buffer_get_data(buffer, out nuint size);
        int length = width * height * _format.BytesPerPixel();
        if (data == 0 || width <= 0 || height <= 0 || (ulong)length > size)
        {
            return null;
        }

        ulong timestamp = arv_buffer_get_timestamp(buffer);
        if (timestamp == 0)
        {
            timestamp = arv_buffer_get_system_timestamp(buffer);
        }

        var frame = _pool.Rent(width, height, _format, NextFrameId(arv_buffer_get_frame_id(buffer)), (long)timestamp, captureStart);
        unsafe
        {
            new ReadOnlySpan<byte>((void*)data, length).CopyTo(frame.Pixels);
        }

        return frame;
    }

    /// <summary>GigE Vision 1.x block ids are 16 bits and skip 0: unwrap them so ids keep increasing.</summary>
    private long NextFrameId(ulong raw)
    {
        if (_haveId && raw < _lastRawId && _lastRawId <= ushort.MaxValue && _lastRawId - raw > ushort.MaxValue / 2)
        {
            _idOffset += ushort.MaxValue;
        }

        _haveId = true;
        _lastRawId = raw;
        return (long)raw + _idOffset;
    }

    /// <summary>Frames left from a cancelled capture would answer the next trigger: give them back first.</summary>
    private void DrainStale()
    {
        nint buffer;
        while ((buffer = arv_stream_timeout_pop_buffer(_stream, 0)) != 0)
        {
            arv_stream_push_buffer(_stream, buffer);
        }
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

    private List<string> Enumerations(string feature)
    {
        nint error = 0;
        nint array = arv_camera_dup_available_enumerations_as_strings(_camera, feature, out uint count, ref error);
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
}
