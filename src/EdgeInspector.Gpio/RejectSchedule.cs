namespace EdgeInspector.Gpio;

/// <summary>
/// The reject output's pending edges in due order, and the rule that merges overlapping pulses.
/// Times are <see cref="TimeProvider"/> timestamps. Not thread-safe: <see cref="RejectOutput"/>
/// holds its lock around every call.
/// </summary>
internal sealed class RejectSchedule(long pulseWidth)
{
    private readonly PriorityQueue<bool, long> _edges = new(); // true = on, keyed by due timestamp
    private int _active;
    private long _minOffAt;

    /// <summary>When the next edge is due; <see cref="long.MaxValue"/> when none is pending.</summary>
    public long NextDue => _edges.TryPeek(out _, out long due) ? due : long.MaxValue;

    public void Add(long on, long off)
    {
        _edges.Enqueue(true, on);
        _edges.Enqueue(false, off);
    }

    /// <summary>
    /// Takes the next edge, applied at <paramref name="now"/>: the level the output must go to
    /// (true = on), or null when it stays as it is. Overlapping pulses merge: the output goes on
    /// with the first and off with the last. A pulse is never shorter than the pulse width, even
    /// when its on-edge came late (a stalled thread), so the actuator always gets the time it
    /// needs to act.
    /// </summary>
    public bool? Take(long now)
    {
        if (_edges.Dequeue())
        {
            _minOffAt = Math.Max(_minOffAt, now + pulseWidth);
            return _active++ == 0 ? true : null;
        }

        if (_active == 1 && now < _minOffAt)
        {
            _edges.Enqueue(false, _minOffAt);
            return null;
        }

        return --_active == 0 ? false : null;
    }
}
