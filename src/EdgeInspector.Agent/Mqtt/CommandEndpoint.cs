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

    /// <summary>
    /// Well above every command's own limit, which the dispatcher checks before copying (and
    /// answers with the limit); only beyond this is a request dropped unanswered.
    /// </summary>
    public int MaxPayloadBytes(string topic) => 1024 * 1024;

    public Task OnMessageAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        string name = message.Topic[topics.CommandPrefix.Length..];
        string? responseTopic = message.ResponseTopic;
        byte[]? correlation = message.CorrelationData;
        var replyTo = rule.Refusal(responseTopic) is { } refusal ? CommandReplyTo.Refused(refusal)
            : string.IsNullOrEmpty(responseTopic) ? CommandReplyTo.Nowhere
            : CommandReplyTo.To((reply, ct) => link.PublishNowAsync(new OutgoingMessage(responseTopic, reply, ContentType: "application/json", CorrelationData: correlation), ct));
        return dispatcher.DispatchAsync(name, message.Payload, replyTo);
    }

    public Task OnConnectedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync() => dispatcher.StopAsync();
}
