using System.Globalization;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// The line drifting from what the serving model knows: over a rolling window of
/// <see cref="DriftOptions.Window"/> scored parts, the NG rate above Drift:NgRateCeiling, or the
/// median raw score of the OK parts above the enrolled good parts' 95th percentile
/// (<see cref="GoodScores"/> in the manifest). Either turns status <c>degraded</c> with the reason;
/// it turns <c>running</c> again when the window is back. A new model starts a new window. ERROR
/// parts are not scored and do not count. Runs on the publish stage's thread without allocating.
/// </summary>
public sealed class DriftWatch : IInspectionTap
{
    private readonly DriftOptions _options;
    private readonly AgentTelemetry _telemetry;
    private readonly Func<GoodScores?> _enrolled;
    private readonly Lock _gate = new();
    private readonly double[] _scores;
    private readonly double[] _okRaw;
    private readonly bool[] _ng;
    private readonly double[] _sorted;
    private int _next;
    private int _count;
    private string? _model;
    private string? _reason;

    /// <param name="enrolled">The serving package's enrolled good scores (null for a package without them).</param>
    public DriftWatch(DriftOptions options, AgentTelemetry telemetry, Func<GoodScores?> enrolled)
    {
        _options = options;
        _telemetry = telemetry;
        _enrolled = enrolled;
        _scores = new double[options.Window];
        _okRaw = new double[options.Window];
        _ng = new bool[options.Window];
        _sorted = new double[options.Window];
    }

    public void Observe(DecidedPart part)
    {
        var verdict = part.Verdict;
        if (!_options.Enabled || verdict.Kind == VerdictKind.Error)
        {
            return;
        }

        string? change;
        lock (_gate)
        {
            if (verdict.Model?.Sha256 != _model)
            {
                _model = verdict.Model?.Sha256;
                _count = _next = 0;
            }

            _scores[_next] = verdict.Score;
            _ng[_next] = verdict.Kind == VerdictKind.Ng;
            _okRaw[_next] = verdict.Kind == VerdictKind.Ok ? verdict.RawScore : double.NaN;
            _next = (_next + 1) % _scores.Length;
            _count = Math.Min(_count + 1, _scores.Length);
            string? reason = _count == _scores.Length ? Judge() : _reason;
            change = reason == _reason ? null : reason ?? "";
            _reason = reason;
        }

        if (change is null)
        {
            return;
        }

        if (change.Length > 0)
        {
            _telemetry.ReportError("drift: " + change);
            _telemetry.Degrade(DegradedCauses.Drift);
        }
        else
        {
            _telemetry.Recover(DegradedCauses.Drift);
        }
    }

    /// <summary>Status's <c>drift</c>: the window so far, and why status is degraded (null when it is not).</summary>
    public DriftStatus? Status()
    {
        if (!_options.Enabled)
        {
            return null;
        }

        lock (_gate)
        {
            if (_count == 0)
            {
                return new DriftStatus(_options.Window, 0, 0, 0, 0, null);
            }

            var sorted = Sorted(_scores);
            return new DriftStatus(_options.Window, _count, Math.Round(NgRate(), 4), Math.Round(GoodScores.Percentile(sorted, 0.5), 4), Math.Round(GoodScores.Percentile(sorted, 0.95), 4), _reason);
        }
    }

    private string? Judge()
    {
        double ngRate = NgRate();
        if (ngRate > _options.NgRateCeiling)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{ngRate * 100:0}% of the last {_count} parts are NG, above Drift:NgRateCeiling {_options.NgRateCeiling} ({_options.NgRateCeiling * 100:0}%): check the line (light, camera, position, a bad batch), then collect and retrain");
        }

        if (_enrolled() is not { Count: > 0 } enrolled)
        {
            return null;
        }

        var ok = Sorted(_okRaw);
        if (ok.Length < _count / 4)
        {
            return null;
        }

        double median = GoodScores.Percentile(ok, 0.5);
        return median > enrolled.P95
            ? string.Create(CultureInfo.InvariantCulture, $"the median raw score of the last {ok.Length} OK parts, {median:0.####}, is above the enrolled good parts' 95th percentile {enrolled.P95:0.####}: the parts no longer look like those the model was enrolled on; collect and re-enroll")
            : null;
    }

    private double NgRate()
    {
        int ng = 0;
        for (int i = 0; i < _count; i++)
        {
            ng += _ng[i] ? 1 : 0;
        }

        return (double)ng / _count;
    }

    /// <summary>The window's values (NaN = not an OK part, left out) sorted into the scratch array.</summary>
    private ReadOnlySpan<double> Sorted(double[] values)
    {
        int n = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                _sorted[n++] = values[i];
            }
        }

        var span = _sorted.AsSpan(0, n);
        span.Sort();
        return span;
    }
}
