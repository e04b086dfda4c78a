using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Messaging.Commands;

namespace EdgeInspector.Agent.DeviceCommands;

/// <summary>cmd/status <c>{}</c>: the status JSON (contract) as it is now.</summary>
public sealed class StatusCommand(AgentTelemetry telemetry) : ICommandHandler
{
    public string Name => "status";

    public bool Long => false;

    public int MaxPayloadBytes => 1024;

    public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(request.Body, Name);
        return Task.FromResult(JsonNode.Parse(ContractJson.Serialize(telemetry.Snapshot()))!.AsObject());
    }
}
