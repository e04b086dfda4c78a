using System.Text.Json;
using EdgeInspector.Cli;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

/// <summary>edge-inspector push --fleet: two demo agents (cell1 the canary, cell2) on one Mosquitto.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class FleetPushEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SignedPackages _packages = new();

    private static int? StatusVersion(ReceivedMessage status) =>
        status.Json.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object ? m.GetProperty("version").GetInt32() : null;

    private async Task<(int Code, string Output)> PushFleetAsync(MosquittoBroker broker, string package, string fleet)
    {
        using var output = new StringWriter();
        int code = await Commands.RunAsync(["push", "--package", package, "--broker", broker.Uri, "--fleet", fleet, "--group", "line1", "--parallel", "2", "--timeout", "60", "--chunk-bytes", "4096"], output, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task The_canary_goes_first_then_the_rest_and_a_rejecting_canary_aborts_the_rollout()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/+/status");
        using var cell1 = AgentProcess.Start(_packages.AgentArgs("cell1", broker.Uri, "--fps", "5"));
        using var cell2 = AgentProcess.Start(_packages.AgentArgs("cell2", broker.Uri, "--fps", "5"));
        string fleet = _packages.Combine("fleet.json");
        File.WriteAllText(fleet, """{"groups": {"line1": ["cell2", "cell1"], "line2": ["cell9"]}, "canaries": ["cell1"]}""");
        bool Running(MqttProbe p, string device) => p.On(device + "/status").Any(s => s.Json.GetProperty("state").GetString() == "running");
        await probe.WaitForAsync(p => Running(p, "cell1") && Running(p, "cell2"), Patience, "both agents running");

        var (code, output) = await PushFleetAsync(broker, _packages.Make("v2", 2), fleet);

        Assert.True(code == 0, output + cell1.Output + cell2.Output);
        Assert.Matches(@"cell1\s+canary\s+active\s+2\s", output);
        Assert.Matches(@"cell2\s+-\s+active\s+2\s", output);
        Assert.Contains("2/2 devices active", output, StringComparison.Ordinal);
        Assert.DoesNotContain("cell9", output, StringComparison.Ordinal);
        int canaryDone = output.IndexOf("[cell1] 1/2 canary active v2", StringComparison.Ordinal);
        Assert.True(canaryDone >= 0 && canaryDone < output.IndexOf("[cell2] pushing", StringComparison.Ordinal), output);
        await probe.WaitForAsync(p => p.On("cell1/status").Any(s => StatusVersion(s) == 2) && p.On("cell2/status").Any(s => StatusVersion(s) == 2), Patience, "both devices serving v2");

        // A downgrade: the canary rejects it, so cell2 is never offered it.
        (code, output) = await PushFleetAsync(broker, _packages.Make("v1", 1), fleet);

        Assert.True(code == 1, output);
        Assert.Matches(@"cell1\s+canary\s+rejected\s+1\s+[\d.]+\s+version 1 is not newer than the serving version 2", output);
        Assert.Matches(@"cell2\s+-\s+skipped\s+1\s+0\.0\s+not attempted: rollout aborted \(canary cell1 rejected\)", output);
        Assert.DoesNotContain("[cell2] pushing", output, StringComparison.Ordinal);
        Assert.Contains("0/2 devices active, 1 skipped, 1 failed", output, StringComparison.Ordinal);
        Assert.False(cell1.HasExited || cell2.HasExited, cell1.Output + cell2.Output);
    }

    public void Dispose() => _packages.Dispose();
}
