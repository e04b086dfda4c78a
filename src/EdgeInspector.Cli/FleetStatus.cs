using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using EdgeInspector.Messaging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInspector.Cli;

/// <summary>
/// The field tech's view: every device's retained status under the topic root, as one table.
/// Once prints what the broker holds after a short settle; watch reprints on every change.
/// </summary>
internal sealed class FleetStatus(BrokerConnection connection, string topicRoot, TextWriter output)
{
    private readonly ConcurrentDictionary<string, JsonElement> _devices = new(StringComparer.Ordinal);

    public async Task<int> RunAsync(bool watch, TimeSpan settle, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var changed = new SemaphoreSlim(0);
        client.ApplicationMessageReceivedAsync += e =>
        {
            string[] levels = e.ApplicationMessage.Topic.Split('/');
            if (levels.Length >= 2 && levels[^1] == "status")
            {
                try
                {
                    using var document = JsonDocument.Parse(e.ApplicationMessage.Payload);
                    _devices[levels[^2]] = document.RootElement.Clone();
                    changed.Release();
                }
                catch (JsonException)
                {
                    // Not an agent's status (another publisher under the root): leave it out of the table.
                }
            }

            return Task.CompletedTask;
        };
        await connection.ConnectAsync(client, "edge-inspector-status", cancellationToken).ConfigureAwait(false);

        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"{topicRoot}/+/status", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(settle, cancellationToken).ConfigureAwait(false);
            WriteTable();
            while (watch)
            {
                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                // Coalesce a burst (every device republishes on a reconnect) into one redraw.
                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                while (changed.CurrentCount > 0)
                {
                    await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
                }

                output.WriteLine();
                WriteTable();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        return _devices.IsEmpty ? 1 : 0;
    }

    private void WriteTable()
    {
        if (_devices.IsEmpty)
        {
            output.WriteLine($"no device has published a status under {topicRoot}/ on this broker");
            return;
        }

        string[] header = ["device", "state", "model", "provider", "camera", "fps", "inspected", "ng", "error", "p99 ms", "last error"];
        TextTable.Write(output, header, _devices.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => Row(d.Key, d.Value)));
    }

    private static string[] Row(string device, JsonElement s)
    {
        string Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
        string Number(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.#", CultureInfo.InvariantCulture) : "-";
        var model = s.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.Object ? $"{Text(m, "name")} v{Number(m, "version")}" : "-";
        var camera = s.TryGetProperty("camera", out var c) && c.ValueKind == JsonValueKind.Object
            ? $"{Text(c, "backend")} {(c.TryGetProperty("connected", out var up) && up.ValueKind == JsonValueKind.True ? "up" : "DOWN")}"
            : "-";
        var counters = s.TryGetProperty("counters", out var k) ? k : default;
        var latency = s.TryGetProperty("latency_ms", out var l) ? l : default;
        string lastError = Text(s, "last_error");
        return
        [
            device, Text(s, "state"), model, Text(s, "execution_provider"), camera, Number(s, "fps"),
            counters.ValueKind == JsonValueKind.Object ? Number(counters, "inspected") : "-",
            counters.ValueKind == JsonValueKind.Object ? Number(counters, "ng") : "-",
            counters.ValueKind == JsonValueKind.Object ? Number(counters, "error") : "-",
            latency.ValueKind == JsonValueKind.Object ? Number(latency, "p99") : "-",
            lastError.Length > 60 ? lastError[..57] + "..." : lastError,
        ];
    }
}
