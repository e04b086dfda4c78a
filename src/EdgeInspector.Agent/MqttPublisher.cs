using System.Diagnostics;
using System.Text.Json;
using EdgeInspector.Core;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace EdgeInspector.Agent;

/// <summary>
/// Publishes verdicts, thumbnails and the retained status over MQTT, starting the embedded
/// broker when none is configured. Registered before the pipeline so it stops after it: the
/// last verdicts are flushed, then status goes to offline. Verdicts go through the durable
/// outbox (Mqtt:Outbox) when it is enabled; thumbnails and snapshots stay best-effort in memory.
/// </summary>
public sealed partial class MqttPublisher : IHostedService, IVerdictSink, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly AgentTelemetry _telemetry;
    private readonly ILogger<MqttPublisher> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly Topics _topics;
    private readonly ModelUpdateService _updates;
    private readonly FrameSnapshots _snapshots;
    private readonly OnDeviceEnrollment _enrollment;

    /// <summary>How long cmd/snapshot waits for a part; the MQTT receive loop waits with it.</summary>
    private static readonly TimeSpan SnapshotWait = TimeSpan.FromSeconds(5);
    private readonly LineThresholds _thresholds;
    private readonly ServingModel _serving;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>cmd/enroll requests in progress; stopping waits for them to end (they end on cancellation).</summary>
    private Task _enrolling = Task.CompletedTask;
    private EmbeddedBroker? _broker;
    private MqttLink? _link;
    private Task _running = Task.CompletedTask;

    /// <summary>Stopped before the final stopping/offline statuses, so no periodic status lands after them.</summary>
    private readonly CancellationTokenSource _statusStop = new();
    private Task _statusLoop = Task.CompletedTask;
    private int _statusDirty;

    /// <summary>Released on a state change: the status loop publishes it now, not at its next tick.</summary>
    private readonly SemaphoreSlim _stateChanged = new(0, 1);
    private long _nextSeq = 1;

    public MqttPublisher(IOptions<MqttOptions> options, IOptions<AgentOptions> agent, LineThresholds thresholds, ServingModel serving, AgentTelemetry telemetry, ModelUpdateService updates, FrameSnapshots snapshots, OnDeviceEnrollment enrollment, ILoggerFactory loggers)
    {
        _enrollment = enrollment;
        _snapshots = snapshots;
        _updates = updates;
        _thresholds = thresholds;
        _serving = serving;
        _options = options.Value;
        _telemetry = telemetry;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MqttPublisher>();
        _topics = new Topics(_options.TopicRoot, agent.Value.DeviceId);
    }

    public Topics Topics => _topics;

    /// <summary>
    /// The seq of the first verdict this run, known once started: above every verdict the durable
    /// outbox ever held, so consumers that de-duplicate on device + seq never mistake a new verdict for an old one.
    /// </summary>
    public long NextSeq => Interlocked.Read(ref _nextSeq);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        BrokerAddress address;
        if (string.IsNullOrWhiteSpace(_options.Broker))
        {
            _broker = new EmbeddedBroker(_options.EmbeddedBroker, _loggers.CreateLogger<EmbeddedBroker>());
            await _broker.StartAsync().ConfigureAwait(false);
            address = new BrokerAddress(_options.EmbeddedBroker.BindAddress == "0.0.0.0" ? "127.0.0.1" : _options.EmbeddedBroker.BindAddress, _options.EmbeddedBroker.Port, false);
        }
        else
        {
            address = BrokerAddress.Parse(_options.Broker);
        }

        _link = new MqttLink(_options, address, _options.ClientId ?? $"edge-inspector-{_telemetry.DeviceId}", _topics.Status, () => ContractJson.Serialize(_telemetry.Snapshot(AgentState.Offline)), _loggers.CreateLogger<MqttLink>(), OpenOutbox())
        {
            Connected = PublishStatusAsync,
            MessageReceived = OnMessageAsync,
        };
        _link.Subscribe(_topics.CommandFilter);
        if (_updates.Enabled)
        {
            _link.Subscribe(_topics.ModelOffer);
            _link.Subscribe(_topics.ModelChunkFilter);
            _updates.StateChanged += state => _link.Enqueue(new OutgoingMessage(_topics.ModelState, state, Retain: true, ContentType: "application/json"));
        }

        var link = _link;
        _telemetry.SetOutbox(() => new OutboxStatus(link.Durable, link.Pending, link.Dropped));
        _telemetry.Changed += () => Interlocked.Exchange(ref _statusDirty, 1);
        _telemetry.StateChanged += SignalStateChanged;
        _running = _link.RunAsync(_stopping.Token);
        _statusLoop = StatusLoopAsync(_statusStop.Token);
        LogPublishing(_logger, address.ToString(), _topics.Device);
    }

    public void Publish(Verdict verdict, byte[]? thumbnail)
    {
        var link = _link ?? throw new InvalidOperationException("MQTT publisher not started.");
        link.EnqueueDurable(new OutgoingMessage(_topics.Verdict, ContractJson.Serialize(verdict), ContentType: "application/json", VerdictId: verdict.Id), verdict.Seq);
        if (thumbnail is not null)
        {
            link.Enqueue(new OutgoingMessage(_topics.Thumbnail, thumbnail, ContentType: "image/jpeg", VerdictId: verdict.Id));
        }
    }

    /// <summary>The durable outbox, or null (disabled, or unusable: then the line goes on with verdicts in memory).</summary>
    private OutboxStore? OpenOutbox()
    {
        if (!_options.Outbox.Enabled)
        {
            LogOutboxDisabled(_logger);
            return null;
        }

        try
        {
            var store = OutboxStore.Open(_options.Outbox, _loggers.CreateLogger<OutboxStore>());
            Interlocked.Exchange(ref _nextSeq, store.LastSeq + 1);
            return store;
        }
        catch (OutboxUnavailableException e)
        {
            // The last seq is unknown: the clock (ms) stays above it, as for a replaced file.
            Interlocked.Exchange(ref _nextSeq, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            LogOutboxUnavailable(_logger, e.Message, NextSeq);
            _telemetry.ReportError(e.Message);
            return null;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_link is null)
        {
            return;
        }

        _telemetry.SetState(AgentState.Stopping);
        await _statusStop.CancelAsync().ConfigureAwait(false);
        await _statusLoop.ConfigureAwait(false);
        await TryPublishStatusAsync(AgentState.Stopping, cancellationToken).ConfigureAwait(false);
        await _link.FlushAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        await TryPublishStatusAsync(AgentState.Offline, cancellationToken).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _enrolling.ConfigureAwait(false);
        await _running.ConfigureAwait(false);
        try
        {
            await _link.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            LogDisconnectFailed(_logger, e.Message);
        }
    }

    private void SignalStateChanged()
    {
        try
        {
            _stateChanged.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the loop publishes the state current when it wakes.
        }
    }

    /// <summary>
    /// Other changes (camera, errors, counters) are coalesced into at most one status every 250 ms;
    /// a change of state (running, updating, stopping) goes out at once, so a short run or an
    /// update still shows on the retained topic.
    /// </summary>
    private async Task StatusLoopAsync(CancellationToken cancellationToken)
    {
        var tick = TimeSpan.FromMilliseconds(250);
        long lastPublished = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                bool stateChanged = await _stateChanged.WaitAsync(tick, cancellationToken).ConfigureAwait(false);
                bool dirty = Interlocked.Exchange(ref _statusDirty, 0) == 1;
                if (stateChanged || dirty || Stopwatch.GetElapsedTime(lastPublished) >= _options.StatusInterval)
                {
                    lastPublished = Stopwatch.GetTimestamp();
                    await TryPublishStatusAsync(null, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishStatusAsync(CancellationToken cancellationToken)
    {
        await TryPublishStatusAsync(null, cancellationToken).ConfigureAwait(false);
        if (_updates.LastState is { } state && _link is not null)
        {
            // Retained, but a broker without persistence forgets it: a pusher waiting to resume needs it.
            _link.Enqueue(new OutgoingMessage(_topics.ModelState, state, Retain: true, ContentType: "application/json"));
        }
    }

    private async Task TryPublishStatusAsync(AgentState? state, CancellationToken cancellationToken)
    {
        if (_link is not { IsConnected: true })
        {
            return;
        }

        try
        {
            var payload = ContractJson.Serialize(_telemetry.Snapshot(state));
            await _link.PublishNowAsync(new OutgoingMessage(_topics.Status, payload, Retain: true, ContentType: "application/json"), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException or InvalidOperationException)
        {
            // Retained status is republished on the next connect; nothing is lost.
            LogStatusNotPublished(_logger, e.Message);
        }
    }

    private Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        string topic = e.ApplicationMessage.Topic;
        if (_updates.Enabled && topic == _topics.ModelOffer)
        {
            return _updates.OnOfferAsync(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), _stopping.Token);
        }

        if (_updates.Enabled && topic.StartsWith(_topics.ModelChunkPrefix, StringComparison.Ordinal))
        {
            return OnChunkAsync(e.ApplicationMessage, topic[_topics.ModelChunkPrefix.Length..]);
        }

        return OnCommandAsync(e);
    }

    /// <summary>model/chunk/{transferId}/{index}: binary payload, user properties sha256 and index.</summary>
    private Task OnChunkAsync(MqttApplicationMessage message, string rest)
    {
        string[] parts = rest.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int index))
        {
            return Task.CompletedTask;
        }

        string? sha256 = null;
        foreach (var property in message.UserProperties ?? [])
        {
            if (property.Name == "sha256")
            {
                sha256 = System.Text.Encoding.UTF8.GetString(property.ValueBuffer.Span);
            }
            else if (property.Name == "index" && System.Text.Encoding.UTF8.GetString(property.ValueBuffer.Span) != parts[1])
            {
                return Task.CompletedTask;
            }
        }

        return _updates.OnChunkAsync(parts[0], index, System.Buffers.BuffersExtensions.ToArray(message.Payload), sha256, _stopping.Token);
    }

    /// <summary>Answers cmd/{name} requests on the MQTT 5 response topic with the correlation data.</summary>
    private async Task OnCommandAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!message.Topic.StartsWith(_topics.CommandPrefix, StringComparison.Ordinal) || _link is null)
        {
            return;
        }

        string name = message.Topic[_topics.CommandPrefix.Length..];
        if (name == "enroll")
        {
            // Collecting parts and building the bank take a while: reply when done, without holding up the
            // receive loop. The payload is copied now: MQTTnet may reuse its buffer once this handler returns.
            byte[] payload = System.Buffers.BuffersExtensions.ToArray(message.Payload);
            var enroll = Task.Run(() => EnrollAsync(message, payload), CancellationToken.None);
            _enrolling = Task.WhenAll(_enrolling, enroll);
            return;
        }

        byte[] reply = name switch
        {
            "status" => ContractJson.Serialize(_telemetry.Snapshot()),
            "rollback" => JsonSerializer.SerializeToUtf8Bytes(await _updates.RollbackAsync(System.Buffers.BuffersExtensions.ToArray(message.Payload), _stopping.Token).ConfigureAwait(false)),
            "set-threshold" => JsonSerializer.SerializeToUtf8Bytes(ThresholdCommand.Apply(System.Buffers.BuffersExtensions.ToArray(message.Payload), _thresholds, _serving.Slot?.Current.Package)),
            "snapshot" => await SnapshotAsync().ConfigureAwait(false),
            _ => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = $"unknown command '{name}'; this agent answers: status, rollback, set-threshold, snapshot, enroll" }),
        };
        await ReplyAsync(message, name, reply).ConfigureAwait(false);
    }

    private async Task ReplyAsync(MqttApplicationMessage message, string name, byte[] reply)
    {
        if (string.IsNullOrEmpty(message.ResponseTopic))
        {
            LogCommandWithoutResponseTopic(_logger, name);
            return;
        }

        await _link!.PublishNowAsync(new OutgoingMessage(message.ResponseTopic, reply, ContentType: "application/json", CorrelationData: message.CorrelationData), _stopping.Token).ConfigureAwait(false);
    }

    private async Task EnrollAsync(MqttApplicationMessage message, byte[] payload)
    {
        try
        {
            var reply = await _enrollment.RunAsync(payload, _stopping.Token).ConfigureAwait(false);
            await ReplyAsync(message, "enroll", JsonSerializer.SerializeToUtf8Bytes(reply)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // Stopping, or the broker went away: the retained model/state still tells how it ended.
            LogEnrollReplyLost(_logger, e.Message);
        }
    }

    /// <summary>Publishes the next part's full-resolution image on {device}/snapshot and says where.</summary>
    private async Task<byte[]> SnapshotAsync()
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        wait.CancelAfter(SnapshotWait);
        Snapshot shot;
        try
        {
            shot = await _snapshots.NextAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = $"no part was inspected within {SnapshotWait.TotalSeconds:0} s (is the line running and the camera connected?)" });
        }

        _link!.Enqueue(new OutgoingMessage(_topics.Snapshot, shot.Jpeg, ContentType: "image/jpeg", VerdictId: shot.InspectionId));
        return JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["ok"] = true,
            ["topic"] = _topics.Snapshot,
            ["verdict_id"] = shot.InspectionId,
            ["width"] = shot.Width,
            ["height"] = shot.Height,
            ["bytes"] = shot.Jpeg.Length,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_link is not null)
        {
            await _link.DisposeAsync().ConfigureAwait(false);
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        _telemetry.StateChanged -= SignalStateChanged;
        _stateChanged.Dispose();
        _statusStop.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing to {Broker} under {Root}")]
    private static partial void LogPublishing(ILogger logger, string broker, string root);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Durable outbox off (Mqtt:Outbox:Enabled=false): verdicts are kept in memory and lost if the agent stops while the broker is away")]
    private static partial void LogOutboxDisabled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason} Verdict seq starts at {Seq} (from the clock)")]
    private static partial void LogOutboxUnavailable(ILogger logger, string reason, long seq);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Status not published now: {Reason}")]
    private static partial void LogStatusNotPublished(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnect from broker failed: {Reason}")]
    private static partial void LogDisconnectFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cmd/enroll reply not sent: {Reason}")]
    private static partial void LogEnrollReplyLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Command {Command} has no MQTT 5 response topic; ignored")]
    private static partial void LogCommandWithoutResponseTopic(ILogger logger, string command);
}
