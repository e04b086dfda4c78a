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

    public static Task<MqttProbe> ConnectAsync(int port, string topicFilter, CancellationToken cancellationToken = default) =>
        ConnectCoreAsync(() => new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port), topicFilter, TimeSpan.FromSeconds(15), cancellationToken);

    /// <summary>
    /// Over mutual TLS as <paramref name="identity"/> (its CN is the username the broker's ACL checks);
    /// <paramref name="topicFilter"/> null subscribes to nothing. One attempt: a refused connection throws.
    /// </summary>
    public static Task<MqttProbe> ConnectAsync(MosquittoBroker broker, TestCertificates tls, ClientCertificate? identity, string? topicFilter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(tls);
        var ca = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        ca.ImportFromPemFile(tls.CaFile);
        return ConnectCoreAsync(
            () => new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithTlsOptions(t =>
            {
                t.UseTls().WithTargetHost("127.0.0.1").WithTrustChain(ca);
                if (identity is not null)
                {
                    t.WithClientCertificates([System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(identity.CertificateFile, identity.KeyFile)]);
                }
            }),
            topicFilter,
            TimeSpan.Zero,
            cancellationToken);
    }

    private static async Task<MqttProbe> ConnectCoreAsync(Func<MqttClientOptionsBuilder> options, string? topicFilter, TimeSpan retryFor, CancellationToken cancellationToken)
    {
        var probe = new MqttProbe();
        probe._client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var props = (m.UserProperties ?? []).ToDictionary(p => p.Name, p => Encoding.UTF8.GetString(p.ValueBuffer.Span));
            probe._messages.Enqueue(new ReceivedMessage(m.Topic, System.Buffers.BuffersExtensions.ToArray(m.Payload), m.Retain, m.ContentType, props, m.CorrelationData));
            return Task.CompletedTask;
        };
        var deadline = DateTime.UtcNow + retryFor;
        while (true)
        {
            try
            {
                await probe._client.ConnectAsync(options().WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8]).Build(), cancellationToken);
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
            catch (Exception)
            {
                probe._client.Dispose();
                throw;
            }
        }

        if (topicFilter is not null)
        {
            await probe._client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topicFilter, MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        }

        return probe;
    }

    /// <summary>Publishes at QoS 1 and returns the broker's PUBACK reason (MQTT 5: NotAuthorized when the ACL denies it).</summary>
    public async Task<MqttClientPublishReasonCode> PublishAsync(string topic, byte[] payload, string? responseTopic = null)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
        if (responseTopic is not null)
        {
            message.WithResponseTopic(responseTopic).WithCorrelationData(Guid.NewGuid().ToByteArray());
        }

        var result = await _client.PublishAsync(message.Build());
        return result.ReasonCode;
    }

    /// <summary>An MQTT 5 request: publishes with a response topic and correlation data, waits for the matching reply.</summary>
    public Task<ReceivedMessage> RequestAsync(string topic, byte[] payload, TimeSpan timeout) =>
        RequestAsync(topic, payload, timeout, "probe/replies/" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>As above with a chosen response topic (behind the broker ACL: edgeinspector/{device}/reply/…) and QoS.</summary>
    public async Task<ReceivedMessage> RequestAsync(string topic, byte[] payload, TimeSpan timeout, string responseTopic, MQTTnet.Protocol.MqttQualityOfServiceLevel qos = MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce)
    {
        byte[] correlation = Guid.NewGuid().ToByteArray();
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(responseTopic).Build());
        using (var publish = new CancellationTokenSource(timeout))
        {
            await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithResponseTopic(responseTopic).WithCorrelationData(correlation).WithQualityOfServiceLevel(qos).Build(), publish.Token);
        }

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
