using System.Diagnostics;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// The agent's live state as status reports it. Stages write counters lock-free; a change that
/// a field tech must see at once (state, model, camera link, provider) raises <see cref="Changed"/>.
/// </summary>
public sealed class AgentTelemetry
{
    private static readonly string AgentVersion = typeof(AgentTelemetry).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private readonly long _startTicks = Stopwatch.GetTimestamp();
    private readonly LatencyWindow _latency = new();
    private readonly long[] _recent = new long[64];
    private readonly Lock _gate = new();
    private long _inspected;
    private long _ok;
    private long _ng;
    private long _error;
    private int _recentNext;
    private AgentState _state = AgentState.Starting;
    private DegradedCauses _degradedBy;
    private string? _lastError;
    private ModelIdentity? _model;
    private string _provider = "none";
    private IReadOnlyList<string> _providerNotes = [];
    private string _cameraBackend = "none";
    private bool _cameraConnected;
    private long _cameraDropped;
    private string _lightMode = "off";
    private Func<long> _strobes = () => 0;
    private Func<ThresholdStatus?> _threshold = () => null;
    private Func<string?> _inputGuard = () => null;
    private Func<OutboxStatus>? _outbox;
    private Func<CaptureStatus>? _capture;
    private Func<DriftStatus?>? _drift;
    private string? _modelLoadPhase;
    private long _modelLoadStart;
    private readonly DeviceHealthProbe _health = new();
    private readonly string _stateDirectory;

    /// <param name="deviceId">Agent:DeviceId.</param>
    /// <param name="stateDirectory">Where free disk is measured (Agent:StateDirectory); default $STATE_DIRECTORY, else the agent's folder.</param>
    public AgentTelemetry(string deviceId, string? stateDirectory = null)
    {
        DeviceId = deviceId;
        _stateDirectory = stateDirectory ?? Environment.GetEnvironmentVariable("STATE_DIRECTORY") ?? AppContext.BaseDirectory;
    }

    public event Action? Changed;

    /// <summary>Raised on a change of <see cref="State"/>, which status watchers should see at once.</summary>
    public event Action? StateChanged;

    public string DeviceId { get; }

    public AgentState State => _state;

    /// <summary>
    /// <paramref name="cause"/> holds: status reads degraded until every cause has recovered, so one
    /// watch clearing (drift back in range) never hides another that still holds (a dark camera).
    /// </summary>
    public void Degrade(DegradedCauses cause)
    {
        lock (_gate)
        {
            _degradedBy |= cause;
        }

        SetState(AgentState.Degraded);
    }

    /// <summary><paramref name="cause"/> no longer holds; status reads running again once no other does.</summary>
    public void Recover(DegradedCauses cause)
    {
        bool clear;
        lock (_gate)
        {
            _degradedBy &= ~cause;
            clear = _degradedBy == DegradedCauses.None && _state == AgentState.Degraded;
        }

        if (clear)
        {
            SetState(AgentState.Running);
        }
    }

    public void SetState(AgentState state)
    {
        if (_state != state)
        {
            _state = state;
            Changed?.Invoke();
            StateChanged?.Invoke();
        }
    }

    public void SetModel(ModelIdentity model, string provider, IReadOnlyList<string> notes)
    {
        _model = model;
        _provider = provider;
        _providerNotes = notes;
        Changed?.Invoke();
    }

    public void SetCamera(string backend, bool connected, long dropped)
    {
        bool changed = backend != _cameraBackend || connected != _cameraConnected;
        _cameraBackend = backend;
        _cameraConnected = connected;
        _cameraDropped = dropped;
        if (changed)
        {
            Changed?.Invoke();
        }
    }

    public void SetLight(string mode, Func<long> strobes)
    {
        _lightMode = mode;
        _strobes = strobes;
    }

    public void SetThreshold(Func<ThresholdStatus?> threshold) => _threshold = threshold;

    public void SetInputGuard(Func<string?> inputGuard) => _inputGuard = inputGuard;
    public void SetOutbox(Func<OutboxStatus> outbox) => _outbox = outbox;

    public void SetCapture(Func<CaptureStatus> capture) => _capture = capture;

    public void SetDrift(Func<DriftStatus?> drift) => _drift = drift;

    /// <summary>The phase of a model load in progress; null when it is done.</summary>
    public void SetModelLoad(string? phase)
    {
        lock (_gate)
        {
            if (phase is not null && _modelLoadPhase is null)
            {
                _modelLoadStart = Stopwatch.GetTimestamp();
            }

            _modelLoadPhase = phase;
        }

        Changed?.Invoke();
    }

    private ModelLoadProgress? ModelLoad()
    {
        lock (_gate)
        {
            return _modelLoadPhase is null ? null : new ModelLoadProgress(_modelLoadPhase, Math.Round(Stopwatch.GetElapsedTime(_modelLoadStart).TotalSeconds, 1));
        }
    }

    public void ReportError(string message)
    {
        _lastError = message;
        Changed?.Invoke();
    }

    public void Record(VerdictKind kind, double totalMs)
    {
        Interlocked.Increment(ref _inspected);
        switch (kind)
        {
            case VerdictKind.Ok:
                Interlocked.Increment(ref _ok);
                break;
            case VerdictKind.Ng:
                Interlocked.Increment(ref _ng);
                break;
            default:
                Interlocked.Increment(ref _error);
                break;
        }

        _latency.Record(totalMs);
        lock (_gate)
        {
            _recent[_recentNext] = Stopwatch.GetTimestamp();
            _recentNext = (_recentNext + 1) % _recent.Length;
        }
    }

    public InspectionCounts Counts => new(Interlocked.Read(ref _inspected), Interlocked.Read(ref _ok), Interlocked.Read(ref _ng), Interlocked.Read(ref _error));

    /// <summary>Parts per second over the last 64 verdicts (0 when idle for 5 s).</summary>
    public double Fps()
    {
        lock (_gate)
        {
            long newest = _recent[(_recentNext + _recent.Length - 1) % _recent.Length];
            long oldest = _recent[_recentNext] != 0 ? _recent[_recentNext] : _recent[0];
            long count = Math.Min(Interlocked.Read(ref _inspected), _recent.Length);
            if (count < 2 || Stopwatch.GetElapsedTime(newest) > TimeSpan.FromSeconds(5))
            {
                return 0;
            }

            double seconds = Stopwatch.GetElapsedTime(oldest, newest).TotalSeconds;
            return seconds <= 0 ? 0 : Math.Round((count - 1) / seconds, 2);
        }
    }

    public AgentStatus Snapshot(AgentState? state = null) => new()
    {
        State = state ?? _state,
        Device = DeviceId,
        AgentVersion = AgentVersion,
        UptimeS = (long)Stopwatch.GetElapsedTime(_startTicks).TotalSeconds,
        Model = _model,
        ExecutionProvider = _provider,
        ExecutionProviderNotes = _providerNotes,
        Camera = new CameraStatus(_cameraBackend, _cameraConnected, Fps(), _cameraDropped),
        Light = new LightStatus(_lightMode, _strobes()),
        Counters = Counts,
        Fps = Fps(),
        LatencyMs = _latency.Summarize(),
        LastError = _lastError,
        Threshold = _threshold(),
        InputGuard = _inputGuard(),
        ModelLoad = ModelLoad(),
        Outbox = _outbox?.Invoke(),
        Health = _health.Read(_stateDirectory),
        Capture = _capture?.Invoke(),
        Drift = _drift?.Invoke(),
        Process = ProcessFigures.Read(),
        Ts = DateTimeOffset.UtcNow,
    };
}

/// <summary>What can make status read degraded; several can hold at once.</summary>
[Flags]
public enum DegradedCauses
{
    None = 0,
    Camera = 1,
    InputGuard = 2,
    Drift = 4,
}
