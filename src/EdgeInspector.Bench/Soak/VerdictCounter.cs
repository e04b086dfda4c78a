using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInspector.Bench.Soak;

/// <summary>
/// Counts the verdicts that reach a plant-side subscriber: a persistent MQTT 5 session (it
/// survives the broker's restarts) that reconnects on its own, keeps every distinct seq, and the
/// device's latest status (the last one is the agent's count of what it produced).
/// </summary>
internal sealed class VerdictCounter(string broker, string device) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<long, bool> _seqs = new();
    private long _received;
    private volatile string? _status;

    /// <summary>Verdict messages received, duplicates included.</summary>
    public long Received => Interlocked.Read(ref _received);

    public ICollection<long> Seqs => _seqs.Keys;

    /// <summary>The device's latest status JSON.</summary>
    public string? Status => _status;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var address = new Uri(broker);
        var options = new MqttClientOptionsBuilder().WithTcpServer(address.Host, address.Port).WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId("soak-verdict-counter").WithCleanStart(false).WithSessionExpiryInterval(3600).Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.Topic.EndsWith("/verdict", StringComparison.Ordinal))
            {
                using var verdict = JsonDocument.Parse(message.Payload);
                _seqs.TryAdd(verdict.RootElement.GetProperty("seq").GetInt64(), true);
                Interlocked.Increment(ref _received);
            }
            else
            {
                _status = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(message.Payload));
            }

            return Task.CompletedTask;
        };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    var result = await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                    if (!result.IsSessionPresent)
                    {
                        await _client.SubscribeAsync(
                            new MqttClientSubscribeOptionsBuilder()
                                .WithTopicFilter($"edgeinspector/{device}/verdict", MqttQualityOfServiceLevel.AtLeastOnce)
                                .WithTopicFilter($"edgeinspector/{device}/status", MqttQualityOfServiceLevel.AtLeastOnce)
                                .Build(),
                            cancellationToken).ConfigureAwait(false);
                    }
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
            {
                // The broker is restarting: try again shortly.
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
    }
}
