using EdgeInspector.Core;

namespace EdgeInspector.Agent.Tests;

public sealed class AgentTelemetryTests
{
    [Fact]
    public void Status_shows_a_model_load_in_progress_and_drops_it_when_done()
    {
        var telemetry = new AgentTelemetry("t");
        int changes = 0;
        telemetry.Changed += () => changes++;

        telemetry.SetModelLoad("building_engine");
        var during = telemetry.Snapshot().ModelLoad;
        telemetry.SetModelLoad(null);

        Assert.Equal("building_engine", during!.Phase);
        Assert.True(during.ElapsedS >= 0);
        Assert.Null(telemetry.Snapshot().ModelLoad);
        Assert.Equal(2, changes);
    }

    [Fact]
    public void Status_stays_degraded_until_every_cause_has_recovered()
    {
        var telemetry = new AgentTelemetry("t");
        telemetry.SetState(AgentState.Running);

        telemetry.Degrade(DegradedCauses.InputGuard);
        telemetry.Degrade(DegradedCauses.Drift);
        telemetry.Recover(DegradedCauses.Drift);
        var whileDark = telemetry.State;
        telemetry.Recover(DegradedCauses.InputGuard);

        Assert.Equal(AgentState.Degraded, whileDark);
        Assert.Equal(AgentState.Running, telemetry.State);
    }

    [Fact]
    public void A_recovery_does_not_turn_another_state_into_running()
    {
        var telemetry = new AgentTelemetry("t");
        telemetry.SetState(AgentState.Updating);

        telemetry.Recover(DegradedCauses.Camera);

        Assert.Equal(AgentState.Updating, telemetry.State);
    }

    [Fact]
    public void Counters_and_latency_follow_the_recorded_verdicts()
    {
        var telemetry = new AgentTelemetry("t");
        telemetry.Record(VerdictKind.Ok, 10);
        telemetry.Record(VerdictKind.Ng, 20);
        telemetry.Record(VerdictKind.Error, 30);

        var status = telemetry.Snapshot();

        Assert.Equal(new InspectionCounts(3, 1, 1, 1), status.Counters);
        Assert.Equal(20, status.LatencyMs.P50);
        Assert.Equal(30, status.LatencyMs.P99);
    }
}
