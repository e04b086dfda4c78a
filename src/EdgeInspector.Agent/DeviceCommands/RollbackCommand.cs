using System.Text.Json.Nodes;
using EdgeInspector.Agent.ModelUpdates;
using EdgeInspector.Messaging.Commands;

namespace EdgeInspector.Agent.DeviceCommands;

/// <summary>cmd/rollback: a signed, fresh, never-replayed order to serve the previous package again (docs/model-updates.md).</summary>
public sealed class RollbackCommand(RollbackService rollback) : ICommandHandler
{
    public string Name => "rollback";

    /// <summary>Loading the previous package and waiting for the swap take seconds.</summary>
    public bool Long => true;

    /// <summary>A signed envelope: the command, a key id, an ECDSA signature.</summary>
    public int MaxPayloadBytes => 16 * 1024;

    public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken) =>
        rollback.RollbackAsync(request.Payload, cancellationToken);
}
