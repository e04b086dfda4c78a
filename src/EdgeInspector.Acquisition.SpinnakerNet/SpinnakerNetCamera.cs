using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using EdgeInspector.Core;
using SpinnakerNET;
using SpinnakerNET.GenApi;

namespace EdgeInspector.Acquisition.SpinnakerNet;

/// <summary>
/// A FLIR camera through SpinnakerNET (Windows workstation): the SDK calls only. The capture loop,
/// pixel-format mapping, feature writes (<see cref="GenICamNodePlan"/>) and recovery contract are
/// <see cref="GenICamCamera"/>'s, the same as <see cref="SpinnakerCamera"/> on Linux and the Aravis
/// backend; the options are the same <c>Camera:Spinnaker</c> section.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class SpinnakerNetCamera : GenICamCamera
{
    private const int SpinnakerTimeout = -1011;

    private readonly SpinnakerOptions _options;
    private ManagedSystem? _system;
    private ManagedCameraList? _list;
    private IManagedCamera? _camera;
    private INodeMap? _nodeMap;
    private bool _initialized;
    private bool _acquiring;

    public SpinnakerNetCamera(SpinnakerOptions options, FramePool pool)
        : base(options, SpinnakerOptions.Section, pool)
    {
        _options = options;
    }

    public override string Backend => "spinnaker-net";

    /// <summary>Every planned write as <c>Node=value read back</c> at the last successful open.</summary>
    public IReadOnlyList<string> Applied { get; private set; } = [];

    protected override string Label => "SpinnakerNET camera";

    protected override TimeSpan WaitSlice => TimeSpan.FromMilliseconds(100);

    protected override void Connect()
    {
        try
        {
            OpenDevice();
            (Applied, _) = Configure(new NetNodes(_nodeMap!), new NetNodes(_camera!.GetTLStreamNodeMap()));
            _camera.BeginAcquisition();
            _acquiring = true;
        }
        catch (SpinnakerException e)
        {
            throw new CameraException($"SpinnakerNET failed opening the camera: {e.Message}.", e);
        }
    }

    protected override CameraException? ExplainOpenFailure(Exception failure) => failure is DllNotFoundException or FileNotFoundException or BadImageFormatException
        ? new CameraException("SpinnakerNET or its native libraries cannot be loaded: install the FLIR Spinnaker SDK for Windows (x64) with its .NET component, and build with -p:SpinnakerNetPath pointing at the SpinnakerNET assembly for modern .NET.", failure)
        : null;

    private void OpenDevice()
    {
        _system = new ManagedSystem();
        _list = _system.GetCameras();
        if (_list.Count == 0)
        {
            throw new CameraException("SpinnakerNET found no cameras: check the USB3 cable and port and that SpinView sees the camera (and is closed).");
        }

        string? wanted = string.IsNullOrWhiteSpace(_options.Serial) ? null : _options.Serial;
        _camera = wanted is null ? _list[0] : _list.GetBySerial(wanted);
        if (_camera is null)
        {
            var found = new List<string>();
            for (int i = 0; i < _list.Count; i++)
            {
                using var other = _list[i];
                found.Add(ReadString(other.GetTLDeviceNodeMap(), "DeviceSerialNumber") ?? "?");
            }

            throw new CameraException($"SpinnakerNET camera with serial '{wanted}' is not connected. Found serials: {string.Join(", ", found)}. Set Camera:Spinnaker:Serial to one of them.");
        }

        _camera.Init();
        _initialized = true;
        _nodeMap = _camera.GetNodeMap();

        // A previous process may have left the camera acquiring; features are locked until it stops.
        if (_camera.IsStreaming())
        {
            _camera.EndAcquisition();
        }
    }

    protected override void TriggerSoftware()
    {
        try
        {
            _nodeMap!.GetNode<ICommand>("TriggerSoftware").Execute();
        }
        catch (SpinnakerException e)
        {
            LoseConnection();
            throw new CameraException($"TriggerSoftware failed: {e.Message}; the camera is lost, reopening.", e, disconnected: true);
        }
    }

    /// <summary>The managed image behind a GC handle: the base passes buffers as handles, whatever the SDK.</summary>
    protected override nint NextBuffer(TimeSpan wait)
    {
        try
        {
            IManagedImage image = _camera!.GetNextImage((ulong)wait.TotalMilliseconds);
            return GCHandle.ToIntPtr(GCHandle.Alloc(image));
        }
        catch (SpinnakerException e) when ((int)e.ErrorCode == SpinnakerTimeout || wait == TimeSpan.Zero)
        {
            return 0; // no frame in this slice, or nothing (more) queued while draining
        }
        catch (SpinnakerException e)
        {
            LoseConnection();
            throw new CameraException($"SpinnakerNET GetNextImage failed: {e.Message}; the camera is lost, reopening.", e, disconnected: true);
        }
    }

    protected override GenICamImage? Describe(nint buffer)
    {
        var image = (IManagedImage)GCHandle.FromIntPtr(buffer).Target!;
        return image.IsIncomplete
            ? null
            : new GenICamImage(image.DataPtr, checked((int)image.Width), checked((int)image.Height), checked((int)image.Stride), image.FrameID, image.TimeStamp);
    }

    protected override void ReleaseBuffer(nint buffer)
    {
        var handle = GCHandle.FromIntPtr(buffer);
        using (var image = (IManagedImage)handle.Target!)
        {
            image.Release();
        }

        handle.Free();
    }

    protected override bool CameraAnswers()
    {
        try
        {
            var mode = _nodeMap?.GetNode<IEnum>("TriggerMode");
            return mode is not null && mode.IsReadable && mode.Value.String.Length > 0;
        }
        catch (SpinnakerException)
        {
            return false;
        }
    }

    protected override void TearDown(bool wasConnected)
    {
        try
        {
            if (_camera is not null)
            {
                if (_acquiring)
                {
                    _camera.EndAcquisition();
                }

                if (_initialized)
                {
                    _camera.DeInit();
                }

                _camera.Dispose();
            }

            _list?.Clear();
            _system?.Dispose();
        }
        catch (SpinnakerException)
        {
            // A lost device refuses EndAcquisition/DeInit; release what is left regardless.
        }
        finally
        {
            _camera = null;
            _nodeMap = null;
            _list = null;
            _system = null;
            _acquiring = false;
            _initialized = false;
        }
    }

    private static string? ReadString(INodeMap map, string name)
    {
        var node = map.GetNode<IString>(name);
        return node is not null && node.IsReadable ? node.Value : null;
    }

    /// <summary>A SpinnakerNET node map (the camera's or its stream's) as <see cref="GenICamNodePlan.Apply"/> writes it.</summary>
    private sealed class NetNodes(INodeMap map) : IGenICamNodes
    {
        public NodeAccess Access(string node)
        {
            var n = map.GetNode<IValue>(node);
            return n is null || !n.IsAvailable ? NodeAccess.Missing : n.IsWritable ? NodeAccess.Writable : NodeAccess.ReadOnly;
        }

        public IReadOnlyList<string> Entries(string node) =>
            [.. map.GetNode<IEnum>(node).Entries.Where(e => e.IsAvailable && e.IsReadable).Select(e => e.Symbolic)];

        public void SetEnumeration(string node, string entry)
        {
            var enumeration = map.GetNode<IEnum>(node);
            enumeration.Value = enumeration.GetEntryByName(entry).Value;
        }

        public string? GetEnumeration(string node) => map.GetNode<IEnum>(node).Value.String;

        public (double Min, double Max) FloatBounds(string node)
        {
            var n = map.GetNode<IFloat>(node);
            return (n.Min, n.Max);
        }

        public void SetFloat(string node, double value) => map.GetNode<IFloat>(node).Value = value;

        public double GetFloat(string node) => map.GetNode<IFloat>(node).Value;

        public (long Min, long Max, long Increment) IntegerBounds(string node)
        {
            var n = map.GetNode<IInteger>(node);
            return (n.Min, n.Max, n.Increment > 0 ? n.Increment : 1);
        }

        public void SetInteger(string node, long value) => map.GetNode<IInteger>(node).Value = value;

        public long GetInteger(string node) => map.GetNode<IInteger>(node).Value;

        public void SetBoolean(string node, bool value) => map.GetNode<IBool>(node).Value = value;

        public bool GetBoolean(string node) => map.GetNode<IBool>(node).Value;
    }
}
