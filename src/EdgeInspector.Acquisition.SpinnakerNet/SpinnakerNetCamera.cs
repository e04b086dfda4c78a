using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using EdgeInspector.Core;
using SpinnakerNET;
using SpinnakerNET.GenApi;

namespace EdgeInspector.Acquisition.SpinnakerNet;

/// <summary>
/// A FLIR camera through SpinnakerNET (Windows workstation). Same options and the same ordered
/// feature writes (<see cref="GenICamNodePlan"/>) as <see cref="SpinnakerCamera"/> on Linux;
/// same recovery contract: <see cref="OpenAsync"/> tears down and reopens.
/// Long on purpose: a device binding over one vendor API (open, GenICam node writes, stream,
/// reconnect), kept whole like a dotnet/iot binding.
/// </summary>
[SupportedOSPlatform("windows")]
public sealed class SpinnakerNetCamera : ICamera
{
    private const int SpinnakerTimeout = -1011;
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(100);

    private readonly SpinnakerOptions _options;
    private readonly FramePool _pool;
    private readonly IReadOnlyList<NodeWrite> _plan;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource _session = new();
    private ManagedSystem? _system;
    private ManagedCameraList? _list;
    private IManagedCamera? _camera;
    private INodeMap? _nodeMap;
    private bool _initialized;
    private bool _acquiring;
    private PixelFormat _format;
    private long _dropped;
    private volatile bool _connected;
    private bool _disposed;

    public SpinnakerNetCamera(SpinnakerOptions options, FramePool pool)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options;
        _pool = pool;
        _plan = GenICamNodePlan.For(options);
    }

    public string Backend => "spinnaker-net";

    public bool IsConnected => _connected;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Every planned write as <c>Node=value read back</c> at the last successful open.</summary>
    public IReadOnlyList<string> Applied { get; private set; } = [];

    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _session.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Run(() => Reopen(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_connected)
            {
                throw new CameraException("The SpinnakerNET camera is not open (it was lost or never opened); call OpenAsync to reconnect.", disconnected: true);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _session.Token);
            return await Task.Run(() => Capture(linked.Token), linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Reopen(CancellationToken cancellationToken)
    {
        TearDown();
        _session.Dispose();
        _session = new CancellationTokenSource();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            OpenDevice();
            Applied = Configure();
            _camera!.BeginAcquisition();
            _acquiring = true;
            _connected = true;
        }
        catch (SpinnakerException e)
        {
            TearDown();
            throw new CameraException($"SpinnakerNET failed opening the camera: {e.Message}.", e);
        }
        catch (Exception e) when (e is DllNotFoundException or FileNotFoundException or BadImageFormatException)
        {
            TearDown();
            throw new CameraException("SpinnakerNET or its native libraries cannot be loaded: install the FLIR Spinnaker SDK for Windows (x64) with its .NET component, and build with -p:SpinnakerNetPath pointing at the SpinnakerNET assembly for modern .NET.", e);
        }
        catch
        {
            TearDown();
            throw;
        }
    }

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
        if (_camera.IsStreaming())
        {
            _camera.EndAcquisition();
        }
    }

    private List<string> Configure()
    {
        var streamMap = _camera!.GetTLStreamNodeMap();
        var applied = new List<string>(_plan.Count);
        foreach (var write in _plan)
        {
            string? value = Apply(write.Map == NodeMapKind.Stream ? streamMap : _nodeMap!, write);
            if (value is not null)
            {
                applied.Add($"{write.Node}={value}");
            }
        }

        _format = _options.PixelFormat switch
        {
            "RGB8" => PixelFormat.Rgb8,
            "Mono8" => PixelFormat.Mono8,
            _ => PixelFormat.BayerRG8,
        };
        return applied;
    }

    private static string? Apply(INodeMap map, NodeWrite write)
    {
        IValue? node = write.Kind switch
        {
            NodeWriteKind.Enumeration => map.GetNode<IEnum>(write.Node),
            NodeWriteKind.Float => map.GetNode<IFloat>(write.Node),
            NodeWriteKind.Boolean => map.GetNode<IBool>(write.Node),
            _ => map.GetNode<IInteger>(write.Node),
        };
        if (node is null || !node.IsAvailable || !node.IsWritable)
        {
            return write.Optional
                ? null
                : throw new CameraException($"Camera feature {write.Node} is {(node is null || !node.IsAvailable ? "not available" : "not writable")} on this camera, so {write.Option} cannot set it to '{write.Value}'.");
        }

        switch (node)
        {
            case IEnum enumeration:
            {
                IEnumEntry? entry = enumeration.GetEntryByName(write.Value);
                if (entry is null || !entry.IsAvailable || !entry.IsReadable)
                {
                    if (write.Optional)
                    {
                        return null;
                    }

                    string offered = string.Join(", ", enumeration.Entries.Where(e => e.IsAvailable).Select(e => e.Symbolic));
                    throw new CameraException($"Camera feature {write.Node} cannot be '{write.Value}' ({write.Option}); this camera offers {offered}.");
                }

                enumeration.Value = entry.Value;
                string actual = enumeration.Value.String;
                return actual == write.Value
                    ? actual
                    : throw new CameraException($"Camera feature {write.Node} reads '{actual}' after setting '{write.Value}' ({write.Option}).");
            }

            case IFloat number:
            {
                double value = write.Number;
                if (value < number.Min || value > number.Max)
                {
                    throw new CameraException($"Camera feature {write.Node} cannot be {Format(value)} ({write.Option}): this camera allows {Format(number.Min)}..{Format(number.Max)} with the settings before it.");
                }

                number.Value = value;
                return Format(number.Value);
            }

            case IInteger integer:
            {
                long min = integer.Min;
                long max = integer.Max;
                long increment = integer.Increment > 0 ? integer.Increment : 1;
                long value = write.Kind == NodeWriteKind.Integer ? write.Integer : max - write.Integer;
                if (write.Kind == NodeWriteKind.IntegerMaximumLess)
                {
                    value -= (value - min) % increment;
                }

                if (value < min || value > max || (value - min) % increment != 0)
                {
                    throw new CameraException($"Camera feature {write.Node} cannot be {value} ({write.Option}): this camera allows {min}..{max} in steps of {increment} with the settings before it.");
                }

                integer.Value = value;
                return integer.Value.ToString(CultureInfo.InvariantCulture);
            }

            case IBool flag:
                flag.Value = write.Flag;
                return flag.Value ? "true" : "false";

            default:
                throw new CameraException($"Camera feature {write.Node} is not a {write.Kind} node ({write.Option}).");
        }
    }

    private Frame Capture(CancellationToken cancellationToken)
    {
        var camera = _camera!;
        long captureStart = Stopwatch.GetTimestamp();
        if (_options.Trigger == CameraTrigger.Software)
        {
            DrainStale(camera);
            captureStart = Stopwatch.GetTimestamp();
            try
            {
                _nodeMap!.GetNode<ICommand>("TriggerSoftware").Execute();
            }
            catch (SpinnakerException e)
            {
                _connected = false;
                throw new CameraException($"TriggerSoftware failed: {e.Message}; the camera is lost, reopening.", e, disconnected: true);
            }
        }

        var timeout = TimeSpan.FromMilliseconds(_options.TimeoutMs);
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IManagedImage image;
            try
            {
                image = camera.GetNextImage((ulong)WaitSlice.TotalMilliseconds);
            }
            catch (SpinnakerException e) when ((int)e.ErrorCode == SpinnakerTimeout)
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    continue;
                }

                if (_options.Trigger == CameraTrigger.Line0 && CameraAnswers())
                {
                    deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
                    continue;
                }

                _connected = false;
                throw new CameraException($"No frame from the SpinnakerNET camera within {_options.TimeoutMs} ms (Camera:Spinnaker:TimeoutMs, trigger {_options.Trigger}): the camera or its stream is lost; reopening.", e, disconnected: true);
            }
            catch (SpinnakerException e)
            {
                _connected = false;
                throw new CameraException($"SpinnakerNET GetNextImage failed: {e.Message}; the camera is lost, reopening.", e, disconnected: true);
            }

            using (image)
            {
                try
                {
                    if (image.IsIncomplete)
                    {
                        Interlocked.Increment(ref _dropped);
                        continue;
                    }

                    return CopyFrame(image, _options.Trigger == CameraTrigger.FreeRun ? Stopwatch.GetTimestamp() : captureStart);
                }
                finally
                {
                    image.Release();
                }
            }
        }
    }

    private unsafe Frame CopyFrame(IManagedImage image, long captureStart)
    {
        int width = checked((int)image.Width);
        int height = checked((int)image.Height);
        int row = width * _format.BytesPerPixel();
        long stride = image.Stride >= (ulong)row ? (long)image.Stride : row;
        var frame = _pool.Rent(width, height, _format, (long)image.FrameID, (long)image.TimeStamp, captureStart);
        byte* data = (byte*)image.DataPtr;
        for (int y = 0; y < height; y++)
        {
            new ReadOnlySpan<byte>(data + (y * stride), row).CopyTo(frame.Pixels.Slice(y * row, row));
        }

        return frame;
    }

    private static void DrainStale(IManagedCamera camera)
    {
        while (true)
        {
            try
            {
                using var stale = camera.GetNextImage(0);
                stale.Release();
            }
            catch (SpinnakerException)
            {
                return;
            }
        }
    }

    private bool CameraAnswers()
    {
        try
        {
            return _nodeMap!.GetNode<IEnum>("TriggerMode")?.IsReadable == true && _nodeMap.GetNode<IEnum>("TriggerMode").Value.String.Length > 0;
        }
        catch (SpinnakerException)
        {
            return false;
        }
    }

    private static string? ReadString(INodeMap map, string name)
    {
        var node = map.GetNode<IString>(name);
        return node is not null && node.IsReadable ? node.Value : null;
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private void TearDown()
    {
        _connected = false;
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

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _session.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.Run(TearDown).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
            _session.Dispose();
            _gate.Dispose();
        }
    }
}
