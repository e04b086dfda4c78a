using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace EdgeInspector.Messaging;

/// <summary>
/// The device's one MQTT 5 connection. MQTTnet 5 has no managed client, so this owns the
/// reconnect loop (exponential backoff with jitter), re-subscribes when the broker lost the
/// session, and pumps a bounded outbox so the line never waits for the network: messages queue
/// while the broker is away and are published at least once when it is back.
/// </summary>
public sealed partial class MqttLink : IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly BrokerAddress _broker;
    private readonly ILogger _logger;
    private readonly IMqttClient _client;
    private readonly Channel<OutgoingMessage> _outbox;
    private readonly List<string> _subscriptions = [];
    private readonly Func<byte[]> _lastWill;
    private readonly string _willTopic;
    private TaskCompletionSource _up = NewSignal();
    private TaskCompletionSource _lost = NewSignal();
    private long _pending;
    private long _dropped;
    private long _published;

    public MqttLink(MqttOptions options, BrokerAddress broker, string clientId, string willTopic, Func<byte[]> lastWill, ILogger logger)
    {
        _options = options;
        _broker = broker;
        _logger = logger;
        ClientId = clientId;
        _willTopic = willTopic;
        _lastWill = lastWill;
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += OnDisconnectedAsync;
        _client.ApplicationMessageReceivedAsync += e => MessageReceived?.Invoke(e) ?? Task.CompletedTask;
        _outbox = Channel.CreateBounded<OutgoingMessage>(
            new BoundedChannelOptions(options.OutboxCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Increment(ref _dropped);
                Interlocked.Decrement(ref _pending);
            });
    }

    public string ClientId { get; }

    public BrokerAddress Broker => _broker;

    public bool IsConnected => _client.IsConnected;

    /// <summary>Messages dropped because the outbox overflowed during an outage.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Messages queued or in flight.</summary>
    public long Pending => Interlocked.Read(ref _pending);

    /// <summary>Runs after every (re)connect, before queued messages flow: republish retained state here.</summary>
    public Func<CancellationToken, Task>? Connected { get; set; }

    public Func<MqttApplicationMessageReceivedEventArgs, Task>? MessageReceived { get; set; }

    /// <summary>Topic filters subscribed on every connect that did not resume a session.</summary>
    public void Subscribe(string topicFilter) => _subscriptions.Add(topicFilter);

    /// <summary>Queues a message; never blocks. At capacity the oldest queued message is dropped.</summary>
    public void Enqueue(OutgoingMessage message)
    {
        Interlocked.Increment(ref _pending);
        if (!_outbox.Writer.TryWrite(message))
        {
            Interlocked.Decrement(ref _pending);
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Publishes now, bypassing the queue (retained state). Throws if not connected.</summary>
    public Task PublishNowAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        _client.PublishAsync(ToApplicationMessage(message), cancellationToken);

    /// <summary>Keeps the connection up and the outbox flowing until cancelled.</summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(ConnectLoopAsync(cancellationToken), PumpAsync(cancellationToken));

    /// <summary>Waits until the outbox is empty (bounded), e.g. before a clean shutdown.</summary>
    public async Task<bool> FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Pending > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return Pending == 0;
    }

    /// <summary>A clean disconnect: the broker does not send the last will.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ConnectLoopAsync(CancellationToken cancellationToken)
    {
        int failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                _lost = NewSignal();
                var result = await _client.ConnectAsync(BuildClientOptions(), cancellationToken).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                {
                    throw new InvalidOperationException($"broker refused the connection: {result.ResultCode} {result.ReasonString}");
                }

                failures = 0;
                LogConnected(_logger, _broker.ToString(), result.IsSessionPresent);
                if (!result.IsSessionPresent && _subscriptions.Count > 0)
                {
                    var subscribe = new MqttClientSubscribeOptionsBuilder();
                    foreach (string filter in _subscriptions)
                    {
                        subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
                    }

                    await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
                }

                if (Connected is { } connected)
                {
                    await connected(cancellationToken).ConfigureAwait(false);
                }

                _up.TrySetResult();
                await _lost.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                LogConnectFailed(_logger, _broker.ToString(), failures, e.Message);
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(Backoff(failures), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Full-jitter exponential backoff: a fleet that lost its broker does not reconnect in lockstep.</summary>
    internal TimeSpan Backoff(int failures)
    {
        if (failures == 0)
        {
            return _options.ReconnectMinDelay;
        }

        double ceiling = Math.Min(_options.ReconnectMaxDelay.TotalMilliseconds, _options.ReconnectMinDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20)));
        return TimeSpan.FromMilliseconds(_options.ReconnectMinDelay.TotalMilliseconds + (Random.Shared.NextDouble() * (ceiling - _options.ReconnectMinDelay.TotalMilliseconds)));
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbox.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await PublishUntilDoneAsync(message, cancellationToken).ConfigureAwait(false);
                Interlocked.Decrement(ref _pending);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishUntilDoneAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        var applicationMessage = ToApplicationMessage(message);
        while (true)
        {
            await _up.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await _client.PublishAsync(applicationMessage, cancellationToken).ConfigureAwait(false);
                if (!result.IsSuccess)
                {
                    LogPublishRejected(_logger, message.Topic, result.ReasonCode.ToString());
                }

                Interlocked.Increment(ref _published);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The connection broke mid-publish: wait for the reconnect and send it again (QoS 1 is at-least-once).
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static MqttApplicationMessage ToApplicationMessage(OutgoingMessage message)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag(message.Retain);
        if (message.ContentType is not null)
        {
            builder.WithContentType(message.ContentType);
        }

        if (message.CorrelationData is not null)
        {
            builder.WithCorrelationData(message.CorrelationData);
        }

        if (message.VerdictId is not null)
        {
            builder.WithUserProperty("verdict-id", System.Text.Encoding.UTF8.GetBytes(message.VerdictId).AsMemory());
        }

        return builder.Build();
    }

    private MqttClientOptions BuildClientOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_broker.Host, _broker.Port)
            .WithClientId(ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(_willTopic)
            .WithWillPayload(_lastWill())
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillContentType("application/json");
        return MqttClientSecurity.Apply(builder, _broker, _options.Username, _options.Password, _options.Tls).Build();
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (_up.Task.IsCompleted)
        {
            _up = NewSignal();
            if (e.Reason != MqttClientDisconnectReason.NormalDisconnection)
            {
                LogDisconnected(_logger, _broker.ToString(), e.Reason.ToString());
            }
        }

        _lost.TrySetResult();
        return Task.CompletedTask;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "MQTT connected to {Broker} (session resumed: {SessionPresent})")]
    private static partial void LogConnected(ILogger logger, string broker, bool sessionPresent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT connection to {Broker} failed (attempt {Attempt}): {Reason}")]
    private static partial void LogConnectFailed(ILogger logger, string broker, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT disconnected from {Broker}: {Reason}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string broker, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Broker rejected a message on {Topic}: {Reason}")]
    private static partial void LogPublishRejected(ILogger logger, string topic, string reason);
}
