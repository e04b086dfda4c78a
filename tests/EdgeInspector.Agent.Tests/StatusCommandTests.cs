using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Agent.DeviceCommands;
using EdgeInspector.Core;
using EdgeInspector.Messaging.Commands;

namespace EdgeInspector.Agent.Tests;

public sealed class StatusCommandTests
{
    [Fact]
    public async Task The_reply_is_the_status_contract_byte_for_byte_as_the_retained_status_writes_it()
    {
        var telemetry = new AgentTelemetry("cell1");
        telemetry.SetModel(new ModelIdentity("m", 2, new string('a', 64)), "Cpu", ["TensorRT: isn't 'enabled' <here> & \"there\""]);
        telemetry.ReportError("camera: l'objectif est sale");
        var handler = new StatusCommand(telemetry);

        var reply = await handler.HandleAsync(new CommandRequest("status", [], []), CancellationToken.None);
        byte[] sent = JsonSerializer.SerializeToUtf8Bytes(reply);

        // What the dispatcher sends equals what ContractJson writes for the same snapshot (the live readings aside).
        var contract = JsonNode.Parse(ContractJson.Serialize(telemetry.Snapshot()))!.AsObject();
        foreach (string live in new[] { "ts", "uptime_s", "health", "process", "fps" })
        {
            contract[live] = reply[live]?.DeepClone();
        }

        Assert.Equal(System.Text.Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(contract)), System.Text.Encoding.UTF8.GetString(sent));
        Assert.Contains("\\u0027enabled\\u0027 \\u003Chere\\u003E \\u0026", System.Text.Encoding.UTF8.GetString(sent), StringComparison.Ordinal);
        Assert.Contains("\\u0027enabled\\u0027 \\u003Chere\\u003E \\u0026", System.Text.Encoding.UTF8.GetString(ContractJson.Serialize(telemetry.Snapshot())), StringComparison.Ordinal);
        Assert.Throws<CommandRefusedException>(() => handler.HandleAsync(new CommandRequest("status", [], new JsonObject { ["x"] = 1 }), CancellationToken.None).GetAwaiter().GetResult());
    }
}
