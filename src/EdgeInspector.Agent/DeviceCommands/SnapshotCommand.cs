using System.Globalization;
using System.Text.Json.Nodes;
using EdgeInspector.Messaging;
using EdgeInspector.Messaging.Commands;

namespace EdgeInspector.Agent.DeviceCommands;

/// <summary>cmd/snapshot <c>{}</c>: publishes the next part's full-resolution image on {device}/snapshot and says where.</summary>
public sealed class SnapshotCommand(FrameSnapshots snapshots, MqttLink link, Topics topics) : ICommandHandler
{
    /// <summary>How long it waits for a part.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public string Name => "snapshot";

    public bool Long => true;

    public int MaxPayloadBytes => 1024;

    public async Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        CommandFields.OnlyKnown(request.Body, Name);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(Wait);
        Snapshot shot;
        try
        {
            shot = await snapshots.NextAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandRefusedException(string.Create(CultureInfo.InvariantCulture, $"no part was inspected within {Wait.TotalSeconds:0} s (is the line running and the camera connected?)"));
        }

        link.Enqueue(new OutgoingMessage(topics.Snapshot, shot.Jpeg, ContentType: "image/jpeg", VerdictId: shot.InspectionId));
        return new JsonObject
        {
            ["ok"] = true,
            ["topic"] = topics.Snapshot,
            ["verdict_id"] = shot.InspectionId,
            ["width"] = shot.Width,
            ["height"] = shot.Height,
            ["bytes"] = shot.Jpeg.Length,
        };
    }
}
