using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>edge-inspector status against a real Mosquitto (with running agents: Agent.Tests' FleetStatusTests).</summary>
public sealed class FleetStatusCommandTests
{
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
