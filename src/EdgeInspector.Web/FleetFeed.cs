using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeInspector.Web;

/// <summary>One server-sent event: <paramref name="Type"/> (status, verdict, thumbnail, snapshot, action) for <paramref name="Device"/>, its JSON data.</summary>
public sealed record FeedEvent(string Device, string Type, string Json);

/// <summary>
/// The fleet as the broker tells it: every device's retained status, its last verdicts, their
/// heat-map thumbnails, the NG gallery and the last snapshot, kept in memory and pushed to the
/// browsers that listen. Commands go out as MQTT 5 requests on cmd/{name} with a response topic
/// under the device's root and correlation data, as the CLI's rollback and status do.
/// </summary>
public sealed partial class FleetFeed : IAsyncDisposable
{
    /// <summary>NG parts kept per device for the gallery.</summary>
    public const int GallerySize = 24;

    private readonly Func<IMqttClient, CancellationToken, Task> _connect;
    private readonly string _root;
    private readonly int _window;
    private readonly ILogger _logger;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly ConcurrentDictionary<string, DeviceFeed> _devices = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Channel<FeedEvent>> _listeners = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _pending = new(StringComparer.Ordinal);
    private readonly string _replyName = "web-" + Guid.NewGuid().ToString("N")[..12];
    private readonly CancellationTokenSource _stopping = new();
    private Task _reconnecting = Task.CompletedTask;

    public FleetFeed(Func<IMqttClient, CancellationToken, Task> connect, string topicRoot, int verdictWindow, ILogger logger)
    {
        _connect = connect;
        _root = topicRoot.TrimEnd('/');
        _window = verdictWindow;
        _logger = logger;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            OnMessage(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        _client.DisconnectedAsync += e =>
        {
            if (!_stopping.IsCancellationRequested && e.ClientWasConnected)
            {
                LogBrokerLost(_logger, e.Reason.ToString());
                _reconnecting = Task.Run(ReconnectAsync);
            }

            return Task.CompletedTask;
        };
    }

    public IEnumerable<string> Devices => _devices.Keys.Order(StringComparer.Ordinal);

    /// <summary>Connects and subscribes; a failure here is the caller's (bad broker, credentials).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _connect(_client, cancellationToken).ConfigureAwait(false);
        await SubscribeAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (string leaf in new[] { "status", "verdict", "thumbnail", "snapshot", $"reply/{_replyName}" })
        {
            subscribe.WithTopicFilter($"{_root}/+/{leaf}", MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
    }

    private async Task ReconnectAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), _stopping.Token).ConfigureAwait(false);
                await _connect(_client, _stopping.Token).ConfigureAwait(false);
                await SubscribeAsync(_stopping.Token).ConfigureAwait(false);
                LogBrokerBack(_logger);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogReconnectFailed(_logger, e.Message);
            }
        }
    }

    /// <summary>A new browser listening: everything it needs to draw first comes from the snapshot endpoints; from now on it gets events.</summary>
    public (Guid Id, ChannelReader<FeedEvent> Events) Listen()
    {
        var channel = Channel.CreateBounded<FeedEvent>(new BoundedChannelOptions(512) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var id = Guid.NewGuid();
        _listeners[id] = channel;
        return (id, channel.Reader);
    }

    public void StopListening(Guid id)
    {
        if (_listeners.TryRemove(id, out var channel))
        {
            channel.Writer.TryComplete();
        }
    }

    public DeviceFeed? Device(string device) => _devices.GetValueOrDefault(device);

    /// <summary>One line per device for the fleet page.</summary>
    public JsonArray Fleet() => [.. Devices.Select(d => (JsonNode)_devices[d].Summary())];

    /// <summary>Sends cmd/{name} to <paramref name="device"/> and waits for its answer (JSON text).</summary>
    public async Task<string> RequestAsync(string device, string name, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string correlation = Guid.NewGuid().ToString("N");
        var answer = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[correlation] = answer;
        try
        {
            var sent = await _client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic($"{_root}/{device}/cmd/{name}").WithPayload(payload).WithContentType("application/json")
                    // Under the device's root: the plant broker's ACL lets a device publish replies only there.
                    .WithResponseTopic($"{_root}/{device}/reply/{_replyName}").WithCorrelationData(Encoding.ASCII.GetBytes(correlation))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken).ConfigureAwait(false);
            if (sent.ReasonCode is MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid)
            {
                return Error($"the broker refused cmd/{name}: {sent.ReasonCode} (this identity may not send commands to {device}, docs/broker-security.md)");
            }

            return await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return Error($"no answer from {device} within {timeout.TotalSeconds:0} s");
        }
        finally
        {
            _pending.TryRemove(correlation, out _);
        }
    }

    /// <summary>Tells every browser what a tech did (the device page shows the action log).</summary>
    public void Publish(FeedEvent e)
    {
        foreach (var listener in _listeners.Values)
        {
            listener.Writer.TryWrite(e);
        }
    }

    private static string Error(string message) => new JsonObject { ["error"] = message }.ToJsonString();

    private void OnMessage(MqttApplicationMessage message)
    {
        string[] levels = message.Topic.Split('/');
        if (levels.Length < 3)
        {
            return;
        }

        string leaf = levels[^1];
        if (levels[^2] == "reply" && leaf == _replyName)
        {
            string correlation = Encoding.ASCII.GetString(message.CorrelationData ?? []);
            if (_pending.TryGetValue(correlation, out var answer))
            {
                answer.TrySetResult(Encoding.UTF8.GetString(message.Payload));
            }

            return;
        }

        string device = levels[^2];
        if (!DeviceIds.IsValid(device))
        {
            return;
        }

        var feed = _devices.GetOrAdd(device, d => new DeviceFeed(d, _window));
        FeedEvent? e = leaf switch
        {
            "status" => feed.OnStatus(message.Payload),
            "verdict" => feed.OnVerdict(message.Payload),
            "thumbnail" => feed.OnImage(message, snapshot: false),
            "snapshot" => feed.OnImage(message, snapshot: true),
            _ => null,
        };
        if (e is not null)
        {
            Publish(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _reconnecting.ConfigureAwait(false);
        foreach (var id in _listeners.Keys)
        {
            StopListening(id);
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync().ConfigureAwait(false);
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "web: lost the broker ({Reason}); reconnecting every 2 s")]
    private static partial void LogBrokerLost(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "web: connected to the broker again")]
    private static partial void LogBrokerBack(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "web: reconnect failed: {Reason}")]
    private static partial void LogReconnectFailed(ILogger logger, string reason);
}

/// <summary>Device ids as topics carry them: no wildcards, separators or odd characters reach a topic built from a URL.</summary>
public static class DeviceIds
{
    public static bool IsValid(string device) =>
        device.Length is > 0 and <= 128 && device.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && device is not ("." or "..");
}

/// <summary>What the web view holds for one device.</summary>
public sealed class DeviceFeed(string device, int window)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<(string Id, string Verdict, double Score, string Json)> _verdicts = new();
    private readonly Dictionary<string, byte[]> _thumbnails = new(StringComparer.Ordinal);
    private readonly Queue<string> _thumbnailOrder = new();
    private readonly LinkedList<string> _gallery = new();
    private string? _status;
    private (string? VerdictId, byte[] Jpeg)? _snapshot;

    public string Name => device;

    internal FeedEvent? OnStatus(ReadOnlySequence<byte> payload)
    {
        string json = Encoding.UTF8.GetString(payload);
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return null; // not an agent's status: another publisher under the root
        }

        lock (_lock)
        {
            _status = json;
        }

        return new FeedEvent(device, "status", new JsonObject { ["device"] = device, ["status"] = JsonNode.Parse(json), ["stats"] = Stats() }.ToJsonString());
    }

    internal FeedEvent? OnVerdict(ReadOnlySequence<byte> payload)
    {
        string json = Encoding.UTF8.GetString(payload);
        string id, verdict;
        double score;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            id = root.GetProperty("id").GetString() ?? "";
            verdict = root.GetProperty("verdict").GetString() ?? "";
            score = root.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetDouble() : double.NaN;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }

        lock (_lock)
        {
            // At-least-once delivery: a verdict seen before (same id) is not counted twice.
            if (_verdicts.Any(v => v.Id == id))
            {
                return null;
            }

            _verdicts.AddFirst((id, verdict, score, json));
            if (verdict == "NG" && _thumbnails.ContainsKey(id))
            {
                AddToGallery(id);
            }

            while (_verdicts.Count > window)
            {
                _verdicts.RemoveLast();
            }
        }

        return new FeedEvent(device, "verdict", json);
    }

    internal FeedEvent? OnImage(MqttApplicationMessage message, bool snapshot)
    {
        string? verdictId = message.UserProperties?.FirstOrDefault(p => p.Name == "verdict-id") is { } property ? Encoding.UTF8.GetString(property.ValueBuffer.Span) : null;
        byte[] jpeg = message.Payload.ToArray();
        lock (_lock)
        {
            if (snapshot)
            {
                _snapshot = (verdictId, jpeg);
            }
            else if (verdictId is not null)
            {
                if (_thumbnails.TryAdd(verdictId, jpeg))
                {
                    _thumbnailOrder.Enqueue(verdictId);
                }

                if (_verdicts.Any(v => v.Id == verdictId && v.Verdict == "NG"))
                {
                    AddToGallery(verdictId);
                }

                // Keep the recent ones and every one the gallery shows.
                while (_thumbnailOrder.Count > ThumbnailLimit)
                {
                    string old = _thumbnailOrder.Dequeue();
                    if (_gallery.Contains(old))
                    {
                        _thumbnailOrder.Enqueue(old);
                        continue;
                    }

                    _thumbnails.Remove(old);
                }
            }
            else
            {
                return null;
            }
        }

        return new FeedEvent(device, snapshot ? "snapshot" : "thumbnail", new JsonObject { ["device"] = device, ["id"] = verdictId }.ToJsonString());
    }

    private void AddToGallery(string verdictId)
    {
        if (_gallery.Contains(verdictId))
        {
            return;
        }

        _gallery.AddFirst(verdictId);
        while (_gallery.Count > FleetFeed.GallerySize)
        {
            _gallery.RemoveLast();
        }
    }

    /// <summary>Replaces the status with a fresher one (cmd/status's answer after an action).</summary>
    internal FeedEvent? OnStatusAnswer(string json) => OnStatus(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    private static int ThumbnailLimit => 64 + FleetFeed.GallerySize;

    public byte[]? Thumbnail(string verdictId)
    {
        lock (_lock)
        {
            return _thumbnails.GetValueOrDefault(verdictId);
        }
    }

    public byte[]? Snapshot()
    {
        lock (_lock)
        {
            return _snapshot?.Jpeg;
        }
    }

    /// <summary>The window's counts and a 20-bin histogram of normalised scores (0.5 = threshold).</summary>
    public JsonObject Stats()
    {
        lock (_lock)
        {
            int ng = _verdicts.Count(v => v.Verdict == "NG"), error = _verdicts.Count(v => v.Verdict == "ERROR");
            var bins = new int[20];
            foreach (var v in _verdicts.Where(v => !double.IsNaN(v.Score)))
            {
                bins[Math.Clamp((int)(v.Score * bins.Length), 0, bins.Length - 1)]++;
            }

            return new JsonObject
            {
                ["window"] = _verdicts.Count, ["ng"] = ng, ["error"] = error,
                ["ng_rate"] = _verdicts.Count == 0 ? null : Math.Round((double)ng / _verdicts.Count, 4),
                ["histogram"] = new JsonArray([.. bins.Select(b => (JsonNode)b)]),
            };
        }
    }

    public JsonObject Summary()
    {
        lock (_lock)
        {
            return new JsonObject { ["device"] = device, ["status"] = _status is null ? null : JsonNode.Parse(_status), ["stats"] = Stats() };
        }
    }

    /// <summary>Everything the device page draws first: status, stats, the last verdicts (newest first) and the gallery's ids.</summary>
    public JsonObject Detail(int verdicts)
    {
        lock (_lock)
        {
            var detail = Summary();
            detail["verdicts"] = new JsonArray([.. _verdicts.Take(verdicts).Select(v => JsonNode.Parse(v.Json))]);
            detail["thumbnails"] = new JsonArray([.. _verdicts.Take(verdicts).Where(v => _thumbnails.ContainsKey(v.Id)).Select(v => (JsonNode)v.Id)]);
            detail["gallery"] = new JsonArray([.. _gallery.Select(g => (JsonNode)g)]);
            detail["snapshot"] = _snapshot is { } s ? s.VerdictId ?? "" : null;
            return detail;
        }
    }
}
