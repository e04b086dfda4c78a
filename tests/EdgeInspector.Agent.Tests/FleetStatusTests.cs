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

        // The retained statuses settle as each agent finishes starting: ask until both rows read running.
        string table = "";
        int code = -1;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            using var output = new StringWriter();
            code = await Commands.RunAsync(["status", "--broker", broker.Uri, "--settle-ms", "500"], output, output);
            table = output.ToString();
            if (RowsRunning(table))
            {
                break;
            }
        }

        Assert.True(code == 0, table);
        Assert.True(RowsRunning(table), table);
        Assert.StartsWith("device", table, StringComparison.Ordinal);
    }

    private static bool RowsRunning(string table)
    {
        string[] lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length >= 3
            && System.Text.RegularExpressions.Regex.IsMatch(lines[1], @"^cell1\s+running\s+texture-baseline v1\s+Cpu\s+replay up")
            && System.Text.RegularExpressions.Regex.IsMatch(lines[2], @"^cell2\s+running\s+texture-baseline v1\s+Cpu\s+replay up");
    }
}
