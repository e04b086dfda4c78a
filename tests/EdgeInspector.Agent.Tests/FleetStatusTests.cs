using EdgeInspector.Cli;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

/// <summary>edge-inspector status against running agents and a real Mosquitto.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class FleetStatusTests
{
    [Fact]
    public async Task Status_lists_every_device_from_its_retained_status()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var first = AgentProcess.Start("--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--device-id", "cell1", "--fps", "10");
        using var second = AgentProcess.Start("--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--device-id", "cell2", "--fps", "10");
        await using (var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/+/status"))
        {
            await probe.WaitForAsync(p => new[] { "cell1", "cell2" }.All(d => p.Messages.Any(m => m.Topic.Contains(d, StringComparison.Ordinal) && m.Json.GetProperty("state").GetString() == "running")), TimeSpan.FromSeconds(60), "both agents running");
        }

        using var output = new StringWriter();
        int code = await Commands.RunAsync(["status", "--broker", broker.Uri, "--settle-ms", "500"], output, output);

        string table = output.ToString();
        Assert.True(code == 0, table);
        string[] lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("device", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^cell1\s+running\s+texture-baseline v1\s+Cpu\s+replay up", lines[1]);
        Assert.Matches(@"^cell2\s+running\s+texture-baseline v1\s+Cpu\s+replay up", lines[2]);
    }

    [Fact]
    public async Task Status_says_so_when_no_device_has_reported()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var output = new StringWriter();

        int code = await Commands.RunAsync(["status", "--broker", broker.Uri, "--settle-ms", "200"], output, output);

        Assert.Equal(1, code);
        Assert.Contains("no device has published a status under edgeinspector/", output.ToString(), StringComparison.Ordinal);
    }
}
