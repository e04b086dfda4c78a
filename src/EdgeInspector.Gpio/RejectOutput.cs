using System.Device.Gpio;
using System.Diagnostics;
using EdgeInspector.Core;

namespace EdgeInspector.Gpio;

/// <summary>What <see cref="RejectOutput.Submit"/> did with a verdict.</summary>
public enum RejectDecision
{
    /// <summary>The part passes (OK, or ERROR with RejectErrors off, or the output is disabled).</summary>
    Pass,

    /// <summary>A pulse is scheduled for when the part reaches the actuator.</summary>
    Scheduled,

    /// <summary>The verdict came after the part passed the actuator: no pulse (it would hit the next part).</summary>
    Late,
}

/// <summary>
/// Fires the reject actuator for NG parts when they reach it: <see cref="RejectOptions.Delay"/>
/// after the part's reference time (sensor edge or capture start), for
/// <see cref="RejectOptions.PulseWidth"/>. Many parts can be on the conveyor between camera and
/// actuator; each pulse runs on its own schedule, and pulses that overlap merge into one.
/// A dedicated thread keeps the edges within a millisecond or so of their due time.
/// </summary>
public sealed class RejectOutput : IDisposable
{
    private readonly RejectOptions _options;
    private readonly GpioController? _controller;
    private readonly int _line;
    private readonly PriorityQueue<bool, long> _edges = new(); // true = on, keyed by due Stopwatch tick
    private readonly Lock _lock = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly Thread? _thread;
    private volatile bool _stopping;
    private int _active;
    private long _minOffAt;
    private long _pulses;
    private long _late;

    public RejectOutput(RejectOptions options, GpioController? controller, GpioDriverKind driver)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (!options.Enabled)
        {
            return;
        }

        _controller = controller ?? throw new ArgumentNullException(nameof(controller), "Reject:Enabled=true needs a GPIO controller.");
        _line = driver == GpioDriverKind.Libgpiod ? OrinNanoHeader.LineOf(options.Pin) : options.Pin;
        _controller.OpenPin(_line, PinMode.Output, OffLevel);
        _thread = new Thread(Run) { IsBackground = true, Name = "reject-output", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>Pulses scheduled so far.</summary>
    public long Pulses => Interlocked.Read(ref _pulses);

    /// <summary>NG parts whose verdict came too late to reject them.</summary>
    public long Late => Interlocked.Read(ref _late);

    private PinValue OnLevel => _options.ActiveHigh ? PinValue.High : PinValue.Low;

    private PinValue OffLevel => _options.ActiveHigh ? PinValue.Low : PinValue.High;

    /// <summary>
    /// Schedules the reject pulse for a part if its verdict calls for one.
    /// <paramref name="partTimestamp"/> is the part's <see cref="Stopwatch"/> tick at the sensor
    /// (or the capture start when there is no sensor).
    /// </summary>
    public RejectDecision Submit(VerdictKind verdict, long partTimestamp)
    {
        bool reject = verdict == VerdictKind.Ng || (verdict == VerdictKind.Error && _options.RejectErrors);
        if (!reject || _controller is null)
        {
            return RejectDecision.Pass;
        }

        long on = partTimestamp + ToTicks(_options.Delay);
        long off = on + ToTicks(_options.PulseWidth);
        if (Stopwatch.GetTimestamp() >= off)
        {
            Interlocked.Increment(ref _late);
            return RejectDecision.Late;
        }

        lock (_lock)
        {
            _edges.Enqueue(true, on);
            _edges.Enqueue(false, off);
        }

        Interlocked.Increment(ref _pulses);
        _wake.Set();
        return RejectDecision.Scheduled;
    }

    private void Run()
    {
        while (!_stopping)
        {
            TimeSpan wait;
            lock (_lock)
            {
                wait = Timeout.InfiniteTimeSpan;
                while (_edges.TryPeek(out bool on, out long due))
                {
                    long now = Stopwatch.GetTimestamp();
                    if (due > now)
                    {
                        wait = Stopwatch.GetElapsedTime(now, due);
                        break;
                    }

                    _edges.Dequeue();
                    Apply(on);
                }
            }

            if (wait == Timeout.InfiniteTimeSpan)
            {
                _wake.WaitOne();
            }
            else if (wait > TimeSpan.FromMilliseconds(2))
            {
                // Sleep most of the way, then spin the last stretch for an accurate edge.
                _wake.WaitOne(wait - TimeSpan.FromMilliseconds(1));
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
    }

    /// <summary>
    /// Overlapping pulses merge: the output goes on with the first and off with the last. A pulse
    /// is never shorter than PulseWidth, even when its on-edge came late (a stalled thread), so the
    /// actuator always gets the time it needs to act.
    /// </summary>
    private void Apply(bool on)
    {
        long now = Stopwatch.GetTimestamp();
        if (on)
        {
            _minOffAt = Math.Max(_minOffAt, now + ToTicks(_options.PulseWidth));
            if (_active++ == 0)
            {
                _controller!.Write(_line, OnLevel);
            }
        }
        else if (_active == 1 && now < _minOffAt)
        {
            _edges.Enqueue(false, _minOffAt);
        }
        else if (--_active == 0)
        {
            _controller!.Write(_line, OffLevel);
        }
    }

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public void Dispose()
    {
        if (_thread is null)
        {
            return;
        }

        _stopping = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
        lock (_lock)
        {
            _edges.Clear();
            _active = 0;
        }

        _controller!.Write(_line, OffLevel);
        _controller.ClosePin(_line);
    }
}
