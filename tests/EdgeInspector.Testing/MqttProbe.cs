using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeInspector.Testing;

/// <summary>A message the probe received.</summary>
public sealed record ReceivedMessage(string Topic, byte[] Payload, bool Retain, string? ContentType, IReadOnlyDictionary<string, string> UserProperties, byte[]? CorrelationData = null)
{
    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;

    public string Text => Encoding.UTF8.GetString(Payload);
}

/// <summary>An independent MQTT 5 subscriber that records what the agent publishes.</summary>
public sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentQueue<ReceivedMessage> _messages = new();

    public IReadOnlyCollection<ReceivedMessage> Messages => _messages;

    public static async Task<MqttProbe> ConnectAsync(int port, string topicFilter, CancellationToken cancellationToken = default)
    {
        var probe = new MqttProbe();
        probe._client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var props = (m.UserProperties ?? []).ToDictionary(p => p.Name, p => Encoding.UTF8.GetString(p.ValueBuffer.Span));
            probe._messages.Enqueue(new ReceivedMessage(m.Topic, System.Buffers.BuffersExtensions.ToArray(m.Payload), m.Retain, m.ContentType, props, m.CorrelationData));
            return Task.CompletedTask;
        };
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8]).Build();
                await probe._client.ConnectAsync(options, cancellationToken);
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        await probe._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topicFilter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        return probe;
    }

    /// <summary>An MQTT 5 request: publishes with a response topic and correlation data, waits for the matching reply.</summary>
    public async Task<ReceivedMessage> RequestAsync(string topic, byte[] payload, TimeSpan timeout)
    {
        string responseTopic = "probe/replies/" + Guid.NewGuid().ToString("N")[..8];
        byte[] correlation = Guid.NewGuid().ToByteArray();
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(responseTopic).Build());
        await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithResponseTopic(responseTopic).WithCorrelationData(correlation).Build());
        await WaitForAsync(p => p._messages.Any(m => m.Topic == responseTopic), timeout, $"a reply on {responseTopic}");
        var reply = _messages.First(m => m.Topic == responseTopic);
        if (!reply.CorrelationData.AsSpan().SequenceEqual(correlation))
        {
            throw new InvalidOperationException("The reply's correlation data does not match the request's.");
        }

        return reply;
    }

    public IEnumerable<ReceivedMessage> On(string topicSuffix) => _messages.Where(m => m.Topic.EndsWith(topicSuffix, StringComparison.Ordinal));

    /// <summary>Waits until <paramref name="condition"/> holds over the received messages, or fails after the timeout.</summary>
    public async Task WaitForAsync(Func<MqttProbe, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting for {what}; received {_messages.Count} messages on {string.Join(", ", _messages.Select(m => m.Topic).Distinct())}.");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync();
        }

        _client.Dispose();
    }
}
