using System.Device.Gpio;
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
/// A dedicated thread keeps the edges within a millisecond or so of their due time. Disposing
/// fires the pulses already scheduled first (at most <see cref="RejectOptions.Delay"/> plus the
/// pulse width), so an NG part decided before the agent stops is still rejected.
/// </summary>
public sealed class RejectOutput : IDisposable
{
    private readonly RejectOptions _options;
    private readonly GpioController? _controller;
    private readonly int _line;
    private readonly TimeProvider _time;
    private readonly RejectSchedule? _schedule;
    private readonly Lock _lock = new();
    private readonly AutoResetEvent _wake = new(false);
    private readonly ITimer? _alarm;
    private readonly Thread? _thread;
    private bool _stopping; // Both flags are read and written under _lock.
    private bool _closed;
    private long _pulses;
    private long _late;

    /// <summary>Edges are timed on <paramref name="time"/>: the system clock (the default) unless a test drives a fake one.</summary>
    public RejectOutput(RejectOptions options, GpioController? controller, GpioDriverKind driver, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = time ?? TimeProvider.System;
        if (!options.Enabled)
        {
            return;
        }

        _controller = controller ?? throw new ArgumentNullException(nameof(controller), "Reject:Enabled=true needs a GPIO controller.");
        _line = driver == GpioDriverKind.Libgpiod ? OrinNanoHeader.LineOf(options.Pin) : options.Pin;
        _controller.OpenPin(_line, PinMode.Output, OffLevel);
        _schedule = new RejectSchedule(ToTicks(options.PulseWidth));
        _alarm = _time.CreateTimer(_ => WakeUnlessClosed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
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
    /// <paramref name="partTimestamp"/> is the part's timestamp on this output's <see cref="TimeProvider"/>
    /// (the system clock's are <see cref="System.Diagnostics.Stopwatch"/> ticks) at the sensor, or at
    /// the capture start when there is no sensor.
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
        if (_time.GetTimestamp() >= off)
        {
            Interlocked.Increment(ref _late);
            return RejectDecision.Late;
        }

        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _schedule!.Add(on, off);
        }

        Interlocked.Increment(ref _pulses);
        _wake.Set();
        return RejectDecision.Scheduled;
    }

    private void Run()
    {
        while (true)
        {
            TimeSpan wait;
            lock (_lock)
            {
                while (true)
                {
                    long now = _time.GetTimestamp();
                    long due = _schedule!.NextDue;
                    if (due == long.MaxValue && _stopping)
                    {
                        return;
                    }

                    if (due > now)
                    {
                        wait = due == long.MaxValue ? Timeout.InfiniteTimeSpan : _time.GetElapsedTime(now, due);
                        break;
                    }

                    if (_schedule.Take(now) is bool on)
                    {
                        _controller!.Write(_line, on ? OnLevel : OffLevel);
                    }
                }
            }

            if (wait == Timeout.InfiniteTimeSpan)
            {
                _wake.WaitOne();
            }
            else if (wait > TimeSpan.FromMilliseconds(2))
            {
                // Sleep most of the way, then spin the last stretch for an accurate edge. The timed
                // wait wakes the thread on the device, off the thread pool; the alarm is what wakes
                // it when the clock is not the machine's (a test's fake clock).
                var sleep = wait - TimeSpan.FromMilliseconds(1);
                _alarm!.Change(sleep, Timeout.InfiniteTimeSpan);
                _wake.WaitOne(sleep);
            }
            else
            {
                Thread.SpinWait(50);
            }
        }
    }

    /// <summary>Under the lock so an alarm that fires during <see cref="Dispose"/> never sets the disposed event.</summary>
    private void WakeUnlessClosed()
    {
        lock (_lock)
        {
            if (!_closed)
            {
                _wake.Set();
            }
        }
    }

    private long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    public void Dispose()
    {
        if (_thread is null)
        {
            return;
        }

        lock (_lock)
        {
            _stopping = true;
        }

        _wake.Set();
        _thread.Join();
        _alarm!.Dispose();
        lock (_lock)
        {
            _closed = true;
            _wake.Dispose();
        }

        _controller!.Write(_line, OffLevel);
        _controller.ClosePin(_line);
    }
}
