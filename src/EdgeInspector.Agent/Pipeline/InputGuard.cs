using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// Issue #13's input guard: a frame whose model-size image is far from the good parts the serving
/// package was enrolled from (too dark, blurred, overexposed: <see cref="InputGuardRanges"/> in
/// the manifest) is an ERROR verdict with the reason instead of a score nobody can trust. After
/// <see cref="InputGuardOptions.DegradedAfter"/> such frames in a row status turns
/// <c>degraded</c>; the first good frame turns it <c>running</c> again. A package without ranges
/// (not enrolled, or enrolled before the guard existed) is not guarded.
/// </summary>
public sealed class InputGuard(InputGuardOptions options, AgentTelemetry telemetry)
{
    private int _inARow;
    private bool _degraded;

    /// <summary>Status's <c>input_guard</c>: "on", or "off: " and why.</summary>
    public static string Describe(InputGuardOptions options, ModelPackage package) =>
        !options.Enabled ? "off: Agent:InputGuard:Enabled is false"
        : package.Manifest.InputGuard is null ? $"off: {package.Manifest.Name} v{package.Manifest.Version} has no input_guard ranges (enroll it to record them)"
        : "on";

    /// <summary>Runs in the decide stage, on a part that was scored.</summary>
    internal void Check(Inspection inspection, ModelPackage package)
    {
        if (!options.Enabled || inspection.Error is not null || inspection.Input is null || package.Manifest.InputGuard is not { } ranges)
        {
            return;
        }

        // A tiled part's tiles lie one after another: measured as one image, tiles stacked, every tile counts.
        int height = inspection.InputHeight * inspection.Tiles;
        int bytes = inspection.InputWidth * height * 3;
        var statistics = InputStatistics.Measure(inspection.Input.AsSpan(0, bytes), inspection.InputWidth, height);
        if (ranges.Check(statistics) is { } reason)
        {
            inspection.Fail("input guard: " + reason);
            inspection.OutOfInputRange = true;
            if (++_inARow >= options.DegradedAfter && !_degraded)
            {
                _degraded = true;
                telemetry.ReportError($"input guard: {_inARow} frames in a row out of the enrolled range, last: {reason}");
                telemetry.Degrade(DegradedCauses.InputGuard);
            }
        }
        else
        {
            _inARow = 0;
            if (_degraded)
            {
                _degraded = false;
                telemetry.Recover(DegradedCauses.InputGuard);
            }
        }
    }
}
