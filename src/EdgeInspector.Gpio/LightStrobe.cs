using System.Device.Gpio;

namespace EdgeInspector.Gpio;

/// <summary>
/// Switches the light on before a capture and off after it, with a hard on-time bound so a hung
/// capture never leaves the light burning.
/// </summary>
public sealed class LightStrobe : IDisposable
{
    private readonly GpioController? _controller;
    private readonly LightOptions _options;
    private readonly int _line;
    private readonly TimeProvider _time;
    private readonly ITimer? _guard;
    private long _strobes;
    private long _offDeadline = long.MaxValue;

    /// <summary>The lead time and the on-time guard run on <paramref name="time"/>: the system clock (the default) unless a test drives a fake one.</summary>
    public LightStrobe(LightOptions options, GpioController? controller, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        if (options.Mode == LightMode.Off)
        {
            return;
        }

        _controller = controller ?? throw new ArgumentNullException(nameof(controller), "Light:Mode=Gpio needs a GPIO controller.");
        _line = options.Driver == GpioDriverKind.Libgpiod ? OrinNanoHeader.LineOf(options.Pin) : options.Pin;
        _controller.OpenPin(_line, PinMode.Output, OffLevel);
        _guard = _time.CreateTimer(_ => OnGuardElapsed(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Mode => _options.Mode == LightMode.Off ? "off" : $"gpio:{_options.Pin}";

    public long Strobes => Interlocked.Read(ref _strobes);

    private PinValue OnLevel => _options.ActiveHigh ? PinValue.High : PinValue.Low;

    private PinValue OffLevel => _options.ActiveHigh ? PinValue.Low : PinValue.High;

    /// <summary>Runs <paramref name="capture"/> with the light on.</summary>
    public async ValueTask<T> BracketAsync<T>(Func<CancellationToken, ValueTask<T>> capture, CancellationToken cancellationToken)
    {
        if (_controller is null)
        {
            return await capture(cancellationToken).ConfigureAwait(false);
        }

        Write(OnLevel);
        // The deadline sits a little before the timer's due time, which may fire a hair early.
        var slack = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMilliseconds(5).Ticks, _options.MaxOnTime.Ticks / 4));
        Volatile.Write(ref _offDeadline, _time.GetTimestamp() + (long)((_options.MaxOnTime - slack).TotalSeconds * _time.TimestampFrequency));
        _guard!.Change(_options.MaxOnTime, Timeout.InfiniteTimeSpan);
        Interlocked.Increment(ref _strobes);
        try
        {
            if (_options.LeadTime > TimeSpan.Zero)
            {
                await Task.Delay(_options.LeadTime, _time, cancellationToken).ConfigureAwait(false);
            }

            return await capture(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _guard.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            Volatile.Write(ref _offDeadline, long.MaxValue);
            Write(OffLevel);
        }
    }

    /// <summary>
    /// A callback queued by an earlier strobe's timer can run after the next strobe started; the
    /// deadline check keeps it from cutting that strobe short.
    /// </summary>
    private void OnGuardElapsed()
    {
        if (_time.GetTimestamp() >= Volatile.Read(ref _offDeadline))
        {
            Write(OffLevel);
        }
    }

    private void Write(PinValue value)
    {
        lock (_options)
        {
            _controller?.Write(_line, value);
        }
    }

    public void Dispose()
    {
        _guard?.Dispose();
        if (_controller is not null)
        {
            Write(OffLevel);
            _controller.ClosePin(_line);
        }
    }
}
