using System.Diagnostics;
using System.Globalization;
using EdgeInspector.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static EdgeInspector.Acquisition.SpinnakerNativeMethods;

namespace EdgeInspector.Acquisition;

/// <summary>A FLIR camera the Spinnaker SDK found.</summary>
public sealed record SpinnakerDevice(string? Serial, string? Model)
{
    public override string ToString() => $"serial {Serial ?? "?"} (model {Model ?? "?"})";
}

/// <summary>What the camera reports after <see cref="SpinnakerCamera.OpenAsync"/> configured it.</summary>
/// <param name="Applied">Every planned write, as <c>Node=value read back</c>.</param>
/// <param name="Skipped">Optional writes the camera has no writable node for.</param>
public sealed record SpinnakerSettings(string Serial, string? Model, IReadOnlyList<string> Applied, IReadOnlyList<string> Skipped, string? UsbfsWarning);

/// <summary>
/// A FLIR camera (Blackfly S BFS-U3 and other Spinnaker cameras) through the Spinnaker SDK's C
/// API, for Linux and the Jetson where SpinnakerNET does not exist. <see cref="OpenAsync"/> tears
/// down whatever was open, then opens the camera and applies <see cref="GenICamNodePlan"/>, so the
/// agent recovers from a <see cref="CameraException"/> with <see cref="CameraException.Disconnected"/>
/// by calling it again. Captures copy the SDK's image into a pooled <see cref="Frame"/> and release
/// the image straight away.
/// Long on purpose: a device binding over the Spinnaker C API (P/Invoke lifecycle, GenICam
/// node plan, stream buffers, reconnect), kept whole like a dotnet/iot binding.
/// </summary>
public sealed class SpinnakerCamera : GenICamCamera
{
    /// <summary>The kernel's limit on USB buffer memory; USB3 Vision cameras need about 1000 MB.</summary>
    public const string UsbfsMemoryPath = "/sys/module/usbcore/parameters/usbfs_memory_mb";

    private const int RequiredUsbfsMb = 1000;
    private readonly SpinnakerOptions _options;
    private readonly ILogger _logger;
    private nint _system;
    private nint _list;
    private nint _camera;
    private nint _nodeMap;
    private bool _initialized;
    private bool _acquiring;

    public SpinnakerCamera(SpinnakerOptions options, FramePool pool, ILogger<SpinnakerCamera>? logger = null)
        : base(options, SpinnakerOptions.Section, pool)
    {
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    public override string Backend => "spinnaker";

    /// <summary>The configuration read back from the camera at the last successful open.</summary>
    public SpinnakerSettings? Settings { get; private set; }

    /// <summary>
    /// A warning with the fix when the kernel's usbfs buffer limit (default 16 MB) is below what a
    /// USB3 camera streaming large frames needs; null when it is enough, unlimited (0), or the file
    /// is absent (not Linux, no USB core).
    /// </summary>
    public static string? UsbfsWarning(string path = UsbfsMemoryPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int megabytes))
        {
            return $"{path} reads '{text}', not a number of MB; USB3 cameras need usbcore.usbfs_memory_mb={RequiredUsbfsMb}.";
        }

        if (megabytes == 0 || megabytes >= RequiredUsbfsMb)
        {
            return null;
        }

        return $"USB buffer memory is limited to {megabytes} MB ({path}); a USB3 camera needs {RequiredUsbfsMb} MB or it drops frames and fails with incomplete images at high resolution or rate. "
            + $"Fix: append usbcore.usbfs_memory_mb={RequiredUsbfsMb} to the APPEND line in /boot/extlinux/extlinux.conf (Jetson; GRUB_CMDLINE_LINUX_DEFAULT on a PC) and reboot, "
            + $"or for this boot: echo {RequiredUsbfsMb} | sudo tee {path}.";
    }

    /// <summary>Cameras the Spinnaker SDK finds now.</summary>
    public static IReadOnlyList<SpinnakerDevice> Discover()
    {
        nint system = 0;
        nint list = 0;
        try
        {
            Check(spinSystemGetInstance(out system), "getting the Spinnaker system instance");
            Check(spinCameraListCreateEmpty(out list), "creating a camera list");
            Check(spinSystemGetCameras(system, list), "enumerating cameras");
            return ListDevices(list);
        }
        catch (DllNotFoundException e)
        {
            throw MissingSdk(e);
        }
        finally
        {
            ReleaseList(ref list);
            if (system != 0)
            {
                spinSystemReleaseInstance(system);
            }
        }
    }

    protected override string Label => "Spinnaker camera";

    /// <summary>Enumeration, Init and the teardown of a lost device block for seconds; the base runs this off the caller.</summary>
    protected override void Connect()
    {
        string? usbfs = OperatingSystem.IsLinux() ? UsbfsWarning() : null;
        if (usbfs is not null)
        {
            _logger.LogWarning("{Warning}", usbfs);
        }

        var (serial, model) = OpenDevice();
        Check(spinCameraGetTLStreamNodeMap(_camera, out nint streamMap), "getting the stream node map");
        var (applied, skipped) = Configure(new SpinnakerNodes(_nodeMap), new SpinnakerNodes(streamMap));
        Check(spinCameraBeginAcquisition(_camera), "starting acquisition (BeginAcquisition)");
        _acquiring = true;
        Settings = new SpinnakerSettings(serial, model, applied, skipped, usbfs);
        _logger.LogInformation("Spinnaker camera {Serial} ({Model}) open: {Applied}", serial, model, string.Join(", ", applied));
    }

    protected override CameraException? ExplainOpenFailure(Exception failure) => failure switch
    {
        DllNotFoundException => MissingSdk(failure),
        EntryPointNotFoundException => new CameraException($"The installed {Spinnaker} lacks {failure.Message}; install Spinnaker SDK 3.x or 4.x for arm64 (Ubuntu 22.04).", failure),
        _ => null,
    };

    private (string Serial, string? Model) OpenDevice()
    {
        Check(spinSystemGetInstance(out _system), "getting the Spinnaker system instance");
        Check(spinCameraListCreateEmpty(out _list), "creating a camera list");
        Check(spinSystemGetCameras(_system, _list), "enumerating cameras");
        Check(spinCameraListGetSize(_list, out nuint count), "counting cameras");
        string? wanted = string.IsNullOrWhiteSpace(_options.Serial) ? null : _options.Serial;
        if (count == 0)
        {
            throw new CameraException("Spinnaker found no cameras: check the USB3 cable and port (a USB3 port, not a hub), power, that the user may open the device (the SDK's udev rules: spinnaker's configure_spinnaker.sh adds the user to group flirimaging), and usbcore.usbfs_memory_mb.");
        }

        int error = wanted is null ? spinCameraListGet(_list, 0, out _camera) : spinCameraListGetBySerial(_list, wanted, out _camera);
        if (error != Success || _camera == 0)
        {
            var found = ListDevices(_list);
            throw new CameraException($"Spinnaker camera with serial '{wanted}' is not connected ({LastError(error)}). Found: {string.Join("; ", found)}. Set Camera:Spinnaker:Serial to one of these serials.");
        }

        var (serial, model) = Identify(_camera);
        Check(spinCameraInit(_camera), $"initializing camera {serial} (another process may hold it: SpinView, another agent)", disconnected: true);
        _initialized = true;
        Check(spinCameraGetNodeMap(_camera, out _nodeMap), "getting the camera's node map");

        // A previous process may have left the camera acquiring; features are locked until it stops.
        spinCameraEndAcquisition(_camera);
        return (serial ?? wanted ?? "", model);
    }

    protected override TimeSpan WaitSlice => TimeSpan.FromMilliseconds(100);

    protected override void TriggerSoftware()
    {
        int error = spinCommandExecute(Node(_nodeMap, "TriggerSoftware"));
        if (error != Success)
        {
            LoseConnection();
            throw new CameraException($"TriggerSoftware failed: {LastError(error)}; the camera is lost, reopening.", disconnected: true);
        }
    }

    protected override nint NextBuffer(TimeSpan wait)
    {
        int error = spinCameraGetNextImageEx(_camera, (ulong)wait.TotalMilliseconds, out nint image);
        if (error == ErrorTimeout || (error == Success && image == 0))
        {
            return 0;
        }

        if (error != Success)
        {
            if (wait == TimeSpan.Zero)
            {
                return 0; // draining: nothing (more) queued
            }

            LoseConnection();
            throw new CameraException($"Spinnaker GetNextImage failed: {LastError(error)}; the camera is lost, reopening.", disconnected: true);
        }

        return image;
    }

    protected override GenICamImage? Describe(nint image)
    {
        if (spinImageIsIncomplete(image, out byte incomplete) != Success || incomplete != 0
            || spinImageGetWidth(image, out nuint width) != Success
            || spinImageGetHeight(image, out nuint height) != Success
            || spinImageGetData(image, out nint data) != Success)
        {
            return null;
        }

        nuint stride = spinImageGetStride(image, out nuint s) == Success ? s : 0;
        spinImageGetFrameID(image, out ulong frameId);
        spinImageGetTimeStamp(image, out ulong timestamp);
        return new GenICamImage(data, (int)width, (int)height, (int)stride, frameId, timestamp);
    }

    protected override void ReleaseBuffer(nint image) => spinImageRelease(image);

    protected override bool CameraAnswers()
    {
        nint node = Node(_nodeMap, "TriggerMode");
        return node != 0 && spinEnumerationGetCurrentEntry(node, out nint entry) == Success && entry != 0;
    }

    private static (string? Serial, string? Model) Identify(nint camera)
    {
        if (spinCameraGetTLDeviceNodeMap(camera, out nint map) != Success)
        {
            return (null, null);
        }

        return (ReadString(map, "DeviceSerialNumber"), ReadString(map, "DeviceModelName"));
    }

    private static List<SpinnakerDevice> ListDevices(nint list)
    {
        var devices = new List<SpinnakerDevice>();
        if (spinCameraListGetSize(list, out nuint count) != Success)
        {
            return devices;
        }

        for (nuint i = 0; i < count; i++)
        {
            if (spinCameraListGet(list, i, out nint camera) == Success && camera != 0)
            {
                var (serial, model) = Identify(camera);
                devices.Add(new SpinnakerDevice(serial, model));
                spinCameraRelease(camera);
            }
        }

        return devices;
    }

    private static string? ReadString(nint map, string name)
    {
        nint node = Node(map, name);
        return node != 0 && Flag(spinNodeIsReadable, node) ? StringValue(node) : null;
    }

    private static nint Node(nint map, string name) =>
        spinNodeMapGetNode(map, name, out nint node) == Success ? node : 0;

    private delegate int NodeFlag(nint node, out byte result);

    private static bool Flag(NodeFlag query, nint node) => node != 0 && query(node, out byte result) == Success && result != 0;

    private static List<string> Entries(nint node)
    {
        var entries = new List<string>();
        if (spinEnumerationGetNumEntries(node, out nuint count) != Success)
        {
            return entries;
        }

        for (nuint i = 0; i < count; i++)
        {
            if (spinEnumerationGetEntryByIndex(node, i, out nint entry) == Success && Flag(spinNodeIsAvailable, entry) && Symbolic(entry) is { } name)
            {
                entries.Add(name);
            }
        }

        return entries;
    }

    private static void Check(int error, string doing, bool disconnected = false)
    {
        if (error != Success)
        {
            throw new CameraException($"Spinnaker failed {doing}: {LastError(error)}.", disconnected);
        }
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    internal static CameraException MissingSdk(Exception e) => new(
        $"The FLIR Spinnaker SDK is not installed (or {Spinnaker} is not on the loader path): install the Spinnaker SDK for arm64 / Ubuntu 22.04 (JetPack 6) from flir.com (Teledyne FLIR, 'Spinnaker SDK', Linux ARM64), "
        + "run its install_spinnaker_arm.sh (it adds the udev rules and the flirimaging group), and put /opt/spinnaker/lib on LD_LIBRARY_PATH (or in /etc/ld.so.conf.d/ and run ldconfig); "
        + "or choose another Camera:Backend (Aravis drives the same camera).", e);

    private static void ReleaseList(ref nint list)
    {
        if (list != 0)
        {
            spinCameraListClear(list);
            spinCameraListDestroy(list);
            list = 0;
        }
    }

    /// <summary>Ends acquisition, deinitializes and releases the camera, the list and the system, in the order the SDK requires.</summary>
    protected override void TearDown(bool wasConnected)
    {
        try
        {
            if (_camera != 0)
            {
                if (_acquiring)
                {
                    spinCameraEndAcquisition(_camera);
                }

                if (_initialized)
                {
                    spinCameraDeInit(_camera);
                }

                spinCameraRelease(_camera);
            }

            ReleaseList(ref _list);
            if (_system != 0)
            {
                spinSystemReleaseInstance(_system);
            }
        }
        catch (DllNotFoundException)
        {
            // Nothing was opened.
        }
        finally
        {
            _camera = 0;
            _nodeMap = 0;
            _system = 0;
            _list = 0;
            _acquiring = false;
            _initialized = false;
        }
    }

    /// <summary>A Spinnaker node map (the camera's or its stream's) as <see cref="GenICamNodePlan.Apply"/> writes it.</summary>
    private sealed class SpinnakerNodes(nint map) : IGenICamNodes
    {
        public NodeAccess Access(string node)
        {
            nint n = Node(map, node);
            return !Flag(spinNodeIsAvailable, n) ? NodeAccess.Missing : Flag(spinNodeIsWritable, n) ? NodeAccess.Writable : NodeAccess.ReadOnly;
        }

        public IReadOnlyList<string> Entries(string node) => SpinnakerCamera.Entries(Node(map, node));

        public void SetEnumeration(string node, string entry)
        {
            nint n = Node(map, node);
            Check(spinEnumerationGetEntryByName(n, entry, out nint e), $"finding {node} entry {entry}");
            Check(spinEnumerationEntryGetIntValue(e, out long value), $"reading the value of {node} entry {entry}");
            Check(spinEnumerationSetIntValue(n, value), $"setting {node}={entry}");
        }

        public string? GetEnumeration(string node)
        {
            Check(spinEnumerationGetCurrentEntry(Node(map, node), out nint current), $"reading {node} back");
            return Symbolic(current);
        }

        public (double Min, double Max) FloatBounds(string node)
        {
            nint n = Node(map, node);
            Check(spinFloatGetMin(n, out double min), $"reading the {node} minimum");
            Check(spinFloatGetMax(n, out double max), $"reading the {node} maximum");
            return (min, max);
        }

        public void SetFloat(string node, double value) => Check(spinFloatSetValue(Node(map, node), value), $"setting {node}={Format(value)}");

        public double GetFloat(string node)
        {
            Check(spinFloatGetValue(Node(map, node), out double value), $"reading {node} back");
            return value;
        }

        public (long Min, long Max, long Increment) IntegerBounds(string node)
        {
            nint n = Node(map, node);
            Check(spinIntegerGetMin(n, out long min), $"reading the {node} minimum");
            Check(spinIntegerGetMax(n, out long max), $"reading the {node} maximum");
            return (min, max, spinIntegerGetInc(n, out long inc) == Success ? inc : 1);
        }

        public void SetInteger(string node, long value) => Check(spinIntegerSetValue(Node(map, node), value), $"setting {node}={value}");

        public long GetInteger(string node)
        {
            Check(spinIntegerGetValue(Node(map, node), out long value), $"reading {node} back");
            return value;
        }

        public void SetBoolean(string node, bool value) => Check(spinBooleanSetValue(Node(map, node), value ? (byte)1 : (byte)0), $"setting {node}={value}");

        public bool GetBoolean(string node)
        {
            Check(spinBooleanGetValue(Node(map, node), out byte value), $"reading {node} back");
            return value != 0;
        }
    }
}
