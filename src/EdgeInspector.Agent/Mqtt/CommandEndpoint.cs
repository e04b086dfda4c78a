using EdgeInspector.Messaging;
using EdgeInspector.Messaging.Commands;
using MQTTnet;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>
/// cmd/{name} over MQTT 5: hands name and payload to the <see cref="CommandDispatcher"/> with where
/// the answer may go (the response topic, if <see cref="ReplyTopicRule"/> allows it, with the
/// request's correlation data).
/// </summary>
public sealed class CommandEndpoint(CommandDispatcher dispatcher, ReplyTopicRule rule, MqttLink link, Topics topics) : IMqttRoute
{
    public IReadOnlyList<string> Filters { get; } = [topics.CommandFilter];

    public bool Accepts(string topic) => topic.StartsWith(topics.CommandPrefix, StringComparison.Ordinal);

    public Task OnMessageAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        string name = message.Topic[topics.CommandPrefix.Length..];
        // Copied now: MQTTnet may reuse its buffer once this handler returns, and long commands outlive it.
        byte[] payload = System.Buffers.BuffersExtensions.ToArray(message.Payload);
        string? responseTopic = message.ResponseTopic;
        byte[]? correlation = message.CorrelationData;
        var replyTo = rule.Refusal(responseTopic) is { } refusal ? CommandReplyTo.Refused(refusal)
            : string.IsNullOrEmpty(responseTopic) ? CommandReplyTo.Nowhere
            : CommandReplyTo.To((reply, ct) => link.PublishNowAsync(new OutgoingMessage(responseTopic, reply, ContentType: "application/json", CorrelationData: correlation), ct));
        return dispatcher.DispatchAsync(name, payload, replyTo);
    }

    public Task OnConnectedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync() => dispatcher.StopAsync();
}
