using System.Diagnostics;
using EdgeInspector.Messaging;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Messaging.Tests;

public sealed class EmbeddedBrokerTests
{
    /// <summary>The README's watch command: mosquitto_sub with no client id, as a field tech types it.</summary>
    [Fact]
    public async Task An_MQTT5_client_without_a_client_id_gets_one_assigned()
    {
        int port = FreePort.Next();
        await using var broker = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, NullLogger.Instance);
        await broker.StartAsync();

        var result = await RunAsync("mosquitto_pub", $"-V mqttv5 -h 127.0.0.1 -p {port} -t t/dev/status -r -m running");

        Assert.True(result.ExitCode == 0, $"mosquitto_pub was refused: {result.Output}");
        var read = await RunAsync("mosquitto_sub", $"-V mqttv5 -h 127.0.0.1 -p {port} -t t/dev/status -C 1 -W 10");
        Assert.True(read.ExitCode == 0, $"mosquitto_sub was refused: {read.Output}");
        Assert.Equal("running", read.Output.Trim());
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string tool, string arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
