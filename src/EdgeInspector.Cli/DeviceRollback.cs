using System.Text.Json.Nodes;
using EdgeInspector.Messaging;
using EdgeInspector.Updates;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeInspector.Cli;

/// <summary>What a device answered to a signed cmd/rollback: ok with the model now serving, or the error.</summary>
public sealed record RollbackResult(string Device, bool Ok, string? Model, int? Version, string? Error)
{
    public override string ToString() => Ok ? $"{Device}: rolled back, serving {Model} v{Version}" : $"{Device}: rollback refused: {Error}";
}

/// <summary>
/// The workstation side of a signed rollback: signs cmd/rollback for one device (its id, the
/// target, issued_at, a fresh nonce) with private.pem and waits for the MQTT 5 reply.
/// </summary>
public sealed class DeviceRollback(BrokerConnection connection, string topicRoot, string privateKeyPath, TimeSpan timeout)
{
    public async Task<RollbackResult> RunAsync(string device, int? toVersion, CancellationToken cancellationToken)
    {
        byte[] payload;
        using (var key = PackageSigning.LoadPrivateKey(privateKeyPath))
        {
            payload = SignedRollback.Create(device, toVersion, key, DateTimeOffset.UtcNow);
        }

        var topics = new Topics(topicRoot, device);
        // Under the device's root: the plant broker's ACL lets a device publish replies only there.
        string replyTopic = $"{topics.Device}/reply/rollback-{Guid.NewGuid():N}";
        byte[] correlation = Guid.NewGuid().ToByteArray();
        var reply = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == replyTopic && e.ApplicationMessage.CorrelationData.AsSpan().SequenceEqual(correlation))
            {
                reply.TrySetResult(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload));
            }

            return Task.CompletedTask;
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await connection.ConnectAsync(client, "edge-inspector-rollback", deadline.Token).ConfigureAwait(false);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(replyTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), deadline.Token).ConfigureAwait(false);
            var sent = await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topics.CommandPrefix + "rollback").WithPayload(payload).WithContentType("application/json")
                    .WithResponseTopic(replyTopic).WithCorrelationData(correlation).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                deadline.Token).ConfigureAwait(false);
            if (sent.ReasonCode is MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid)
            {
                return new RollbackResult(device, false, null, null, $"the broker refused {topics.CommandPrefix + "rollback"}: {sent.ReasonCode} (only the workstation identity may send commands, docs/broker-security.md)");
            }

            var answer = JsonNode.Parse(await reply.Task.WaitAsync(deadline.Token).ConfigureAwait(false))?.AsObject() ?? [];
            return answer["ok"]?.GetValue<bool>() == true
                ? new RollbackResult(device, true, (string?)answer["model"], (int?)answer["version"], null)
                : new RollbackResult(device, false, null, null, (string?)answer["error"] ?? answer.ToJsonString());
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new RollbackResult(device, false, null, null, $"no answer from {device} within {timeout.TotalSeconds:0} s (is the agent running with device id '{device}', Updates:Enabled and topic root '{topicRoot}'?)");
        }
        finally
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
