using System.Text.Json;
using EdgeInspector.Core;

namespace EdgeInspector.Agent.Tests;

/// <summary>The drift watch: NG rate and OK-part scores over a rolling window, reported in status.</summary>
public sealed class DriftWatchTests
{
    private static readonly GoodScores Enrolled = new() { P50 = 0.20, P95 = 0.30, Count = 40 };
    private readonly AgentTelemetry _telemetry = new("demo");
    private int _seq;

    public DriftWatchTests() => _telemetry.SetState(AgentState.Running);

    private DriftWatch Watch(GoodScores? enrolled = null, int window = 20, double ngRateCeiling = 0.5)
    {
        var watch = new DriftWatch(new DriftOptions { Window = window, NgRateCeiling = ngRateCeiling }, _telemetry, () => enrolled);
        _telemetry.SetDrift(watch.Status);
        return watch;
    }

    private void Parts(DriftWatch watch, int count, VerdictKind kind, double raw, string model = "ab")
    {
        for (int i = 0; i < count; i++)
        {
            var verdict = new Verdict
            {
                Id = $"demo-t-{++_seq}",
                Seq = _seq,
                Device = "demo",
                Ts = DateTimeOffset.UnixEpoch,
                Kind = kind,
                Score = kind == VerdictKind.Ng ? 0.9 : 0.1,
                RawScore = raw,
                Threshold = 0.5,
                Regions = [],
                Model = new ModelIdentity("m", 1, model),
                TimingsMs = new StageTimings(0, 0, 0, 0, 0),
                Image = new ImageSize(4, 4),
            };
            watch.Observe(new DecidedPart(verdict, null, default));
        }
    }

    [Fact]
    public void An_ng_rate_above_the_ceiling_over_a_full_window_degrades_status_until_it_falls_back()
    {
        var watch = Watch();

        Parts(watch, 15, VerdictKind.Ng, 0.9);
        Assert.Equal(AgentState.Running, _telemetry.State);

        Parts(watch, 5, VerdictKind.Ng, 0.9);
        Assert.Equal(AgentState.Degraded, _telemetry.State);
        Assert.Contains("Drift:NgRateCeiling", watch.Status()!.Reason, StringComparison.Ordinal);

        Parts(watch, 11, VerdictKind.Ok, 0.1);
        Assert.Equal(AgentState.Running, _telemetry.State);
        Assert.Null(watch.Status()!.Reason);
    }

    [Fact]
    public void Ok_parts_scoring_above_the_enrolled_good_p95_degrade_status_and_a_package_without_good_scores_is_judged_by_ng_rate_only()
    {
        var watch = Watch(Enrolled);
        Parts(watch, 20, VerdictKind.Ok, 0.25);
        Assert.Equal(AgentState.Running, _telemetry.State);

        Parts(watch, 11, VerdictKind.Ok, 0.35);
        Assert.Equal(AgentState.Degraded, _telemetry.State);
        Assert.Contains("95th percentile 0.3", watch.Status()!.Reason, StringComparison.Ordinal);

        _telemetry.SetState(AgentState.Running);
        var unenrolled = Watch(enrolled: null);
        Parts(unenrolled, 20, VerdictKind.Ok, 0.35);
        Assert.Equal(AgentState.Running, _telemetry.State);
    }

    [Fact]
    public void A_new_model_starts_a_new_window()
    {
        var watch = Watch();
        Parts(watch, 19, VerdictKind.Ng, 0.9);

        Parts(watch, 1, VerdictKind.Ng, 0.9, model: "cd");

        Assert.Equal(1, watch.Status()!.Parts);
        Assert.Equal(AgentState.Running, _telemetry.State);
    }

    [Fact]
    public void Status_json_reports_the_window_and_the_reason_with_state_degraded()
    {
        var watch = Watch(window: 10, ngRateCeiling: 0.2);
        Parts(watch, 7, VerdictKind.Ok, 0.1);
        Parts(watch, 3, VerdictKind.Ng, 0.9);

        using var status = JsonDocument.Parse(ContractJson.Serialize(_telemetry.Snapshot()));

        var root = status.RootElement;
        Assert.Equal("degraded", root.GetProperty("state").GetString());
        Assert.StartsWith("drift: 30% of the last 10 parts are NG", root.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        var drift = root.GetProperty("drift");
        Assert.Equal(10, drift.GetProperty("window").GetInt32());
        Assert.Equal(10, drift.GetProperty("parts").GetInt32());
        Assert.Equal(0.3, drift.GetProperty("ng_rate").GetDouble());
        Assert.Equal(0.1, drift.GetProperty("score_p50").GetDouble());
        Assert.Equal(0.9, drift.GetProperty("score_p95").GetDouble());
        Assert.StartsWith("30% of the last 10 parts are NG", drift.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }
}
