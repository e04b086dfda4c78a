using System.Text.Json.Nodes;
using EdgeInspector.Messaging.Commands;

namespace EdgeInspector.Agent.DeviceCommands;

/// <summary>cmd/enroll <c>{"parts": N}</c>: a new memory bank from the next N known-good parts (<see cref="OnDeviceEnrollment"/>).</summary>
public sealed class EnrollCommand(OnDeviceEnrollment enrollment) : ICommandHandler
{
    public string Name => "enroll";

    /// <summary>Collecting parts and building the bank take minutes.</summary>
    public bool Long => true;

    public int MaxPayloadBytes => 1024;

    public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(request.Body, Name, "parts");
        int parts = CommandFields.Integer(request.Body, "parts", OnDeviceEnrollment.MinParts, OnDeviceEnrollment.MaxParts, required: true, "the number of known-good parts to enroll", "{\"parts\": 20}")!.Value;
        return enrollment.RunAsync(parts, cancellationToken);
    }
}
