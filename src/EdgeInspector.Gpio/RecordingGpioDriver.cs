using System.Collections.Concurrent;
using System.Device.Gpio;

namespace EdgeInspector.Gpio;

/// <summary>An output edge as the recording driver saw it; <see cref="Timestamp"/> is the driver's <see cref="TimeProvider"/> timestamp.</summary>
public readonly record struct GpioEdge(int Pin, PinValue Value, long Timestamp);

/// <summary>
/// A GPIO driver with no hardware behind it: it records every write with a timestamp and lets a
/// test (or the demo) drive input pins. It stands in for libgpiod where there is no header, so
/// the light, trigger and reject logic above it runs unchanged.
/// </summary>
public sealed class RecordingGpioDriver : GpioDriver
{
    private readonly ConcurrentDictionary<int, PinMode> _modes = new();
    private readonly ConcurrentDictionary<int, PinValue> _values = new();
    private readonly ConcurrentDictionary<int, (PinEventTypes Types, PinChangeEventHandler Handler)> _callbacks = new();
    private readonly Lock _edgesLock = new();
    private readonly int _pinCount;
    private readonly TimeProvider _time;
    private readonly int _kept;
    private GpioEdge[] _edges;
    private long _recorded;
    private TaskCompletionSource? _written;

    /// <summary>
    /// Edges are stamped from <paramref name="time"/> (default the system clock), the clock the GPIO users
    /// under test run on. Only the last <paramref name="kept"/> edges are kept: an agent on this driver
    /// (the demo, a soak) strobes for days and must not grow with every part.
    /// </summary>
    public RecordingGpioDriver(int pinCount = 256, TimeProvider? time = null, int kept = 100_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(kept, 1);
        _pinCount = pinCount;
        _time = time ?? TimeProvider.System;
        _kept = kept;
        _edges = new GpioEdge[Math.Min(64, kept)];
    }

    /// <summary>The last edges written, oldest first (at most the number kept), as a copy.</summary>
    public IReadOnlyCollection<GpioEdge> Edges
    {
        get
        {
            lock (_edgesLock)
            {
                // A ring once full: the oldest kept edge sits where the next one goes.
                int count = (int)Math.Min(_recorded, _edges.Length);
                int first = _recorded > _edges.Length ? (int)(_recorded % _edges.Length) : 0;
                var copy = new GpioEdge[count];
                for (int i = 0; i < count; i++)
                {
                    copy[i] = _edges[(first + i) % _edges.Length];
                }

                return copy;
            }
        }
    }

    /// <summary>Every edge written since the driver was made, also those no longer kept.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Completes once <paramref name="count"/> edges are recorded: a test waits for a worker thread's writes without sleeping.</summary>
    public async Task WaitForEdgesAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Installed before the count is checked, so a write in between still completes it.
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _written, written)?.TrySetResult();
            if (Recorded >= count)
            {
                return;
            }

            await written.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected override int PinCount => _pinCount;

    /// <summary>Sets an input pin's level as a sensor would, firing registered callbacks on a change.</summary>
    public void Drive(int pin, PinValue value)
    {
        var old = _values.GetValueOrDefault(pin, PinValue.Low);
        _values[pin] = value;
        if (old == value || !_callbacks.TryGetValue(pin, out var callback))
        {
            return;
        }

        var type = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        if ((callback.Types & type) != 0)
        {
            callback.Handler(this, new PinValueChangedEventArgs(type, pin));
        }
    }

    protected override void OpenPin(int pinNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pinNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pinNumber, _pinCount);
        _modes.TryAdd(pinNumber, PinMode.Input);
    }

    protected override void ClosePin(int pinNumber)
    {
        _modes.TryRemove(pinNumber, out _);
        _callbacks.TryRemove(pinNumber, out _);
    }

    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;

    protected override PinMode GetPinMode(int pinNumber) => _modes.GetValueOrDefault(pinNumber, PinMode.Input);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => _values.GetValueOrDefault(pinNumber, PinValue.Low);

    protected override void Write(int pinNumber, PinValue value)
    {
        if (GetPinMode(pinNumber) != PinMode.Output)
        {
            throw new InvalidOperationException($"Pin {pinNumber} is not an output.");
        }

        _values[pinNumber] = value;
        var edge = new GpioEdge(pinNumber, value, _time.GetTimestamp());
        lock (_edgesLock)
        {
            // Grows by doubling up to the number kept, then overwrites the oldest: no allocation per write.
            if (_recorded == _edges.Length && _edges.Length < _kept)
            {
                Array.Resize(ref _edges, (int)Math.Min((long)_edges.Length * 2, _kept));
            }

            _edges[(int)(_recorded % _edges.Length)] = edge;
            Interlocked.Increment(ref _recorded);
        }

        Interlocked.Exchange(ref _written, null)?.TrySetResult();
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken)
    {
        var fired = new ManualResetEventSlim();
        PinEventTypes seen = PinEventTypes.None;
        void Handler(object sender, PinValueChangedEventArgs e)
        {
            seen = e.ChangeType;
            fired.Set();
        }

        AddCallbackForPinValueChangedEvent(pinNumber, eventTypes, Handler);
        try
        {
            fired.Wait(cancellationToken);
            return new WaitForEventResult { EventTypes = seen, TimedOut = false };
        }
        catch (OperationCanceledException)
        {
            return new WaitForEventResult { EventTypes = PinEventTypes.None, TimedOut = true };
        }
        finally
        {
            RemoveCallbackForPinValueChangedEvent(pinNumber, Handler);
            fired.Dispose();
        }
    }

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        _callbacks[pinNumber] = (eventTypes, callback);

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        _callbacks.TryRemove(pinNumber, out _);
}
