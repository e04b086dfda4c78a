using System.Globalization;
using System.Text;
using EdgeInspector.Agent.ModelUpdates;
using EdgeInspector.Messaging;
using EdgeInspector.Updates;
using MQTTnet;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>
/// model/* (docs/model-updates.md): offers and chunks in, the retained model/state out (on every
/// change and after every reconnect, since a broker without persistence forgets it and a pusher
/// waiting to resume needs it). Subscribes nothing when updates are off.
/// </summary>
public sealed class ModelTransferEndpoint : IMqttRoute
{
    private readonly ModelTransferSession _updates;
    private readonly ModelStates _states;
    private readonly MqttLink _link;
    private readonly Topics _topics;

    public ModelTransferEndpoint(ModelTransferSession updates, ModelStates states, MqttLink link, Topics topics)
    {
        _updates = updates;
        _states = states;
        _link = link;
        _topics = topics;
        Filters = updates.Enabled ? [topics.ModelOffer, topics.ModelChunkFilter] : [];
        states.Changed += PublishState;
    }

    public IReadOnlyList<string> Filters { get; }

    public bool Accepts(string topic) => _updates.Enabled && topic.StartsWith(_topics.Device + "/model/", StringComparison.Ordinal);

    /// <summary>An offer carries the signed manifest and signature in base64; a chunk at most <see cref="UpdateOffer.MaxChunkBytes"/>.</summary>
    public int MaxPayloadBytes(string topic) =>
        topic == _topics.ModelOffer ? MaxOfferBytes
        : topic.StartsWith(_topics.ModelChunkPrefix, StringComparison.Ordinal) ? UpdateOffer.MaxChunkBytes
        : 0;

    /// <summary>A manifest listing hundreds of files is tens of KB; 1 MiB leaves room and bounds what a bad offer costs.</summary>
    public const int MaxOfferBytes = 1024 * 1024;

    public Task OnMessageAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        string topic = message.Topic;
        if (topic == _topics.ModelOffer)
        {
            return _updates.OnOfferAsync(System.Buffers.BuffersExtensions.ToArray(message.Payload), cancellationToken);
        }

        return topic.StartsWith(_topics.ModelChunkPrefix, StringComparison.Ordinal)
            ? OnChunkAsync(message, topic[_topics.ModelChunkPrefix.Length..], cancellationToken)
            : Task.CompletedTask;
    }

    /// <summary>model/chunk/{transferId}/{index}: binary payload, user properties sha256 and index.</summary>
    private Task OnChunkAsync(MqttApplicationMessage message, string rest, CancellationToken cancellationToken)
    {
        string[] parts = rest.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return Task.CompletedTask;
        }

        string? sha256 = null;
        foreach (var property in message.UserProperties ?? [])
        {
            if (property.Name == "sha256")
            {
                sha256 = Encoding.UTF8.GetString(property.ValueBuffer.Span);
            }
            else if (property.Name == "index" && Encoding.UTF8.GetString(property.ValueBuffer.Span) != parts[1])
            {
                return Task.CompletedTask;
            }
        }

        return _updates.OnChunkAsync(parts[0], index, System.Buffers.BuffersExtensions.ToArray(message.Payload), sha256, cancellationToken);
    }

    public Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        if (_states.Last is { } state)
        {
            PublishState(state);
        }

        return Task.CompletedTask;
    }

    private void PublishState(byte[] state) => _link.Enqueue(new OutgoingMessage(_topics.ModelState, state, Retain: true, ContentType: "application/json"));

    public Task StopAsync() => Task.CompletedTask;
}
