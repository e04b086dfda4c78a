using System.Device.Gpio;

namespace EdgeInspector.Gpio;

/// <summary>
/// A debounced part arrival: <see cref="EdgeTimestamp"/> is the sensor's <see cref="TimeProvider"/>
/// timestamp of the edge that started it (on the system clock, a <see cref="System.Diagnostics.Stopwatch"/> tick).
/// </summary>
public readonly record struct PartDetected(long Sequence, long EdgeTimestamp, long ConfirmedTimestamp);

/// <summary>
/// Watches the part sensor input. An edge in the configured direction counts as a part once the
/// input has held that level for <see cref="PartSensorOptions.Debounce"/>; bounce and glitches
/// shorter than that are ignored, and the part must leave (input back at rest, also debounced)
/// before the next one counts. The callback runs on a timer thread: keep it short.
/// </summary>
public sealed class PartSensor : IDisposable
{
    private readonly PartSensorOptions _options;
    private readonly GpioController _controller;
    private readonly Action<PartDetected> _onPart;
    private readonly int _line;
    private readonly TimeProvider _time;
    private readonly ITimer _settle;
    private readonly PinValue _partLevel;
    private readonly Lock _lock = new();
    private long _pendingEdge;
    private bool _present;
    private long _parts;
    private long _glitches;
    private bool _disposed;

    /// <summary>Edges are stamped and debounced on <paramref name="time"/>: the system clock (the default) unless a test drives a fake one.</summary>
    public PartSensor(PartSensorOptions options, GpioController controller, GpioDriverKind driver, Action<PartDetected> onPart, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _controller = controller ?? throw new ArgumentNullException(nameof(controller));
        _onPart = onPart ?? throw new ArgumentNullException(nameof(onPart));
        _line = driver == GpioDriverKind.Libgpiod ? OrinNanoHeader.LineOf(options.Pin) : options.Pin;
        _partLevel = options.Edge == SensorEdge.Rising ? PinValue.High : PinValue.Low;
        _time = time ?? TimeProvider.System;
        _settle = _time.CreateTimer(_ => Settle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _controller.OpenPin(_line, PinMode.Input);
        _present = _controller.Read(_line) == _partLevel;
        _controller.RegisterCallbackForPinValueChangedEvent(_line, PinEventTypes.Rising | PinEventTypes.Falling, OnEdge);
    }

    /// <summary>Parts counted since start.</summary>
    public long Parts => Interlocked.Read(ref _parts);

    /// <summary>Level changes that did not hold for the debounce time.</summary>
    public long Glitches => Interlocked.Read(ref _glitches);

    /// <summary>True while a (debounced) part is in front of the sensor.</summary>
    public bool PartPresent
    {
        get
        {
            lock (_lock)
            {
                return _present;
            }
        }
    }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        long now = _time.GetTimestamp();
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_pendingEdge != 0)
            {
                Interlocked.Increment(ref _glitches);
            }

            // Every change restarts the settle window; the level is judged when it has held.
            _pendingEdge = now;
            if (_options.Debounce <= TimeSpan.Zero)
            {
                _settle.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _settle.Change(_options.Debounce, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        Settle();
    }

    private void Settle()
    {
        PartDetected? detected = null;
        lock (_lock)
        {
            if (_disposed || _pendingEdge == 0)
            {
                return;
            }

            // Too early (a later edge restarted the window after this callback was queued): wait on.
            var remaining = _options.Debounce - _time.GetElapsedTime(_pendingEdge);
            if (remaining > TimeSpan.FromMilliseconds(0.5))
            {
                _settle.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }

            long edge = _pendingEdge;
            _pendingEdge = 0;
            bool atPartLevel = _controller.Read(_line) == _partLevel;
            if (atPartLevel && !_present)
            {
                _present = true;
                detected = new PartDetected(Interlocked.Increment(ref _parts), edge, _time.GetTimestamp());
            }
            else if (!atPartLevel)
            {
                _present = false;
            }
        }

        if (detected is { } part)
        {
            _onPart(part);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _settle.Dispose();
        _controller.UnregisterCallbackForPinValueChangedEvent(_line, OnEdge);
        _controller.ClosePin(_line);
    }
}
