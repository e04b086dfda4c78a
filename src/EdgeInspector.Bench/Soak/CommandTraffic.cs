using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInspector.Bench.Soak;

/// <summary>
/// What a plant's tools send a device while it runs: a QoS-1 cmd/status every few seconds (its
/// answer carries the GC heap the soak reports), a cmd/snapshot a minute and a malformed command
/// now and then. Reconnects across the broker's restarts.
/// </summary>
internal sealed class CommandTraffic(string broker, string device) : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly string _replies = $"edgeinspector/{device}/reply/soak";
    private double _gcHeapMb;
    private long _answers;
    private long _sent;

    /// <summary>The GC heap (MB) in the latest status answer.</summary>
    public double GcHeapMb => Volatile.Read(ref _gcHeapMb);

    public long Answers => Interlocked.Read(ref _answers);

    public long Sent => Interlocked.Read(ref _sent);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var address = new Uri(broker);
        var options = new MqttClientOptionsBuilder().WithTcpServer(address.Host, address.Port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("soak-commands").Build();
        _client.ApplicationMessageReceivedAsync += e =>
        {
            Interlocked.Increment(ref _answers);
            using var answer = JsonDocument.Parse(e.ApplicationMessage.Payload);
            if (answer.RootElement.TryGetProperty("process", out var process))
            {
                Volatile.Write(ref _gcHeapMb, process.GetProperty("gc_heap_mb").GetDouble());
            }

            return Task.CompletedTask;
        };
        using var timer = new PeriodicTimer(Every);
        long tick = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                tick++;
                try
                {
                    if (!_client.IsConnected)
                    {
                        await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                        await _client.SubscribeAsync(_replies, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken).ConfigureAwait(false);
                    }

                    await SendAsync("status", "{}", cancellationToken).ConfigureAwait(false);
                    if (tick % 12 == 0)
                    {
                        await SendAsync("snapshot", "{}", cancellationToken).ConfigureAwait(false);
                    }

                    if (tick % 6 == 3)
                    {
                        await SendAsync("set-threshold", """{"image_threshold":0.2,"image_threshold":0.9}""", cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    // The broker is restarting: the next tick connects again.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(string command, string payload, CancellationToken cancellationToken)
    {
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic($"edgeinspector/{device}/cmd/{command}").WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithResponseTopic(_replies).WithCorrelationData(Guid.NewGuid().ToByteArray()).Build(),
            cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _sent);
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
