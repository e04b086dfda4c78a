using System.Text.Json.Nodes;

namespace EdgeInspector.Messaging.Commands;

/// <summary>
/// One <c>cmd/{name}</c> command. The dispatcher has already checked the payload's size and parsed
/// it strictly (one JSON object, no duplicate keys); the handler checks its own fields
/// (<see cref="CommandFields"/>) before it acts, and answers with a JSON object. A request it
/// refuses throws <see cref="CommandRefusedException"/>, whose message becomes the reply's
/// <c>error</c>; anything else it throws is a bug, answered and logged by the dispatcher.
/// </summary>
public interface ICommandHandler
{
    /// <summary>The command's name: the last topic level of <c>cmd/{name}</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Long commands (waiting for parts, loading a model) run beside the MQTT delivery, so other
    /// commands and model chunks are never held up by them; short ones answer in order.
    /// </summary>
    bool Long { get; }

    /// <summary>The largest payload the command takes; bigger ones are refused unread.</summary>
    int MaxPayloadBytes { get; }

    Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken);
}

/// <summary>A command's payload: the raw bytes (a signed envelope needs them) and the strictly parsed object.</summary>
public sealed record CommandRequest(string Name, byte[] Payload, JsonObject Body);

/// <summary>A request the handler will not carry out; the message is the reply's <c>error</c>, said for the sender.</summary>
public sealed class CommandRefusedException(string message) : Exception(message);
