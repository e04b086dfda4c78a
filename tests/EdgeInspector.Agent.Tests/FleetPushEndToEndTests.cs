using EdgeInspector.Cli;
using EdgeInspector.Testing;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>edge-inspector push --fleet: two demo agents (cell1 the canary, cell2) on one Mosquitto.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class FleetPushEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SignedPackages _packages = new();

    private async Task<(int Code, string Output)> PushFleetAsync(MosquittoBroker broker, string package, string fleet, params string[] extra)
    {
        using var output = new StringWriter();
        int code = await Commands.RunAsync(["push", "--package", package, "--broker", broker.Uri, "--fleet", fleet, "--group", "line1", "--parallel", "2", "--timeout", "60", "--chunk-bytes", "4096", .. extra], output, output);
        return (code, output.ToString());
    }

    private static bool Running(MqttProbe p, string device) => p.On(device + "/status").Any(s => s.Json.GetProperty("state").GetString() == "running");

    [Fact]
    public async Task The_canary_goes_first_then_the_rest_and_a_rejecting_canary_aborts_the_rollout()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/+/status");
        using var cell1 = AgentProcess.Start(_packages.AgentArgs("cell1", broker.Uri, "--fps", "5"));
        using var cell2 = AgentProcess.Start(_packages.AgentArgs("cell2", broker.Uri, "--fps", "5"));
        string fleet = _packages.Combine("fleet.json");
        File.WriteAllText(fleet, """{"groups": {"line1": ["cell2", "cell1"], "line2": ["cell9"]}, "canaries": ["cell1"]}""");
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

    [Fact]
    public async Task An_aborted_rollout_with_rollback_on_abort_returns_the_switched_canary_to_the_version_it_served()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/+/status");
        await using var verdicts = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/cell1/verdict");
        Updates.PackageSigning.GenerateKeyPair(_packages.Combine("other-keys"));
        using var cell1 = AgentProcess.Start(_packages.AgentArgs("cell1", broker.Uri, "--fps", "5"));
        // cell2 trusts another key, so it rejects the package the canary took: more than --max-failures 0.
        using var cell2 = AgentProcess.Start(_packages.AgentArgs("cell2", broker.Uri, "--fps", "5", "--Updates:TrustedKeys:0=" + _packages.Combine("other-keys", "public.pem")));
        string fleet = _packages.Combine("fleet.json");
        File.WriteAllText(fleet, """{"groups": {"line1": ["cell1", "cell2"]}, "canaries": ["cell1"]}""");
        await probe.WaitForAsync(p => Running(p, "cell1") && Running(p, "cell2"), Patience, "both agents running");

        var (code, output) = await PushFleetAsync(broker, _packages.Make("v2", 2), fleet, "--rollback-on-abort", "--rollback-key", _packages.PrivateKey);

        Assert.True(code == 1, output + cell1.Output + cell2.Output);
        Assert.Matches(@"cell1\s+canary\s+active\s+2\s+[\d.]+\s+-\s+rolled back to v1", output);
        Assert.Matches(@"cell2\s+-\s+rejected\s+2\s+[\d.]+\s+\S.*\s-$", output.Split('\n').First(l => l.StartsWith("cell2 ", StringComparison.Ordinal)).TrimEnd('\r'));
        Assert.Contains("1/2 devices active, 0 skipped, 1 failed; 1/1 switched device(s) rolled back", output, StringComparison.Ordinal);
        int aborted = output.IndexOf("rollout aborted: 1 failures > --max-failures 0", StringComparison.Ordinal);
        Assert.True(aborted >= 0 && aborted < output.IndexOf("[cell1] rolling back to v1", StringComparison.Ordinal), output);
        Assert.DoesNotContain("[cell2] rolling back", output, StringComparison.Ordinal);

        // cell1 answers that it serves v1 again, and inspects on with it.
        Assert.Equal(1, StatusVersion(await probe.RequestAsync("edgeinspector/cell1/cmd/status", "{}"u8.ToArray(), Patience)));
        int seen = verdicts.On("/verdict").Count();
        await verdicts.WaitForAsync(p => p.On("/verdict").Skip(seen).Count() >= 3, Patience, "cell1's verdicts after the rollback");
        Assert.All(verdicts.On("/verdict").Skip(seen), v => Assert.Equal(1, VerdictVersion(v)));
        Assert.DoesNotContain(probe.On("cell2/status"), s => StatusVersion(s) == 2);
        Assert.False(cell1.HasExited || cell2.HasExited, cell1.Output + cell2.Output);
    }

    public void Dispose() => _packages.Dispose();
}
