using EdgeInspector.Core;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>
/// The agent's MQTT connection: starts the embedded broker when none is configured, keeps the
/// <see cref="MqttLink"/> (and with it the durable outbox) running, subscribes and hands each
/// inbound message to its <see cref="IMqttRoute"/> (commands, model transfer). Registered before
/// the pipeline so it stops after it: the last verdicts are flushed, then status goes to
/// stopping and offline. It routes and transports only; what a message means is the routes' business.
/// </summary>
public sealed class MqttConnection : IHostedService, IAsyncDisposable
{
    private readonly MqttOptions _options;
    private readonly MqttLink _link;
    private readonly StatusPublisher _status;
    private readonly IReadOnlyList<IMqttRoute> _routes;
    private readonly AgentTelemetry _telemetry;
    private readonly InboundMemoryTrim _trim;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly EdgeInspector.Messaging.Commands.ThrottledLog _routeFailures = new(TimeProvider.System, TimeSpan.FromMinutes(1));
    private EmbeddedBroker? _broker;
    private Task _running = Task.CompletedTask;
    private Task _trimming = Task.CompletedTask;
    private bool _started;

    public MqttConnection(IOptions<MqttOptions> options, MqttLink link, StatusPublisher status, IEnumerable<IMqttRoute> routes, AgentTelemetry telemetry, InboundMemoryTrim trim, ILoggerFactory loggers)
    {
        _trim = trim;
        _options = options.Value;
        _link = link;
        _status = status;
        _routes = [.. routes];
        _telemetry = telemetry;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MqttConnection>();
        _link.Connected = OnConnectedAsync;
        _link.MaxInboundPacketBytes = InboundPacketBytes;
        _link.MessageReceived = OnMessageAsync;
        foreach (var route in _routes)
        {
            foreach (string filter in route.Filters)
            {
                _link.Subscribe(filter);
            }
        }
    }

    /// <summary>
    /// Announced to the broker as the MQTT 5 maximum packet size, so it drops bigger messages
    /// before they reach the device: above every route's largest payload (an offer, 1 MiB) plus
    /// topic and properties. Whatever gets through is still checked per topic.
    /// </summary>
    public const int InboundPacketBytes = 1024 * 1024 + (64 * 1024);

    /// <summary>Where the link connects: the configured broker, or the embedded one on loopback.</summary>
    public static BrokerAddress Address(MqttOptions options) => string.IsNullOrWhiteSpace(options.Broker)
        ? new BrokerAddress(options.EmbeddedBroker.BindAddress == "0.0.0.0" ? "127.0.0.1" : options.EmbeddedBroker.BindAddress, options.EmbeddedBroker.Port, false)
        : BrokerAddress.Parse(options.Broker);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.Broker))
        {
            _broker = new EmbeddedBroker(_options.EmbeddedBroker, _loggers.CreateLogger<EmbeddedBroker>());
            await _broker.StartAsync().ConfigureAwait(false);
        }

        var link = _link;
        _telemetry.SetOutbox(() => new OutboxStatus(link.Durable, link.Pending, link.Dropped));
        _running = _link.RunAsync(_stopping.Token);
        _trimming = _trim.RunAsync(_stopping.Token);
        _status.Start();
        _started = true;
        Log.Publishing(_logger, _link.Broker.ToString(), _status.Topic);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            return;
        }

        _telemetry.SetState(AgentState.Stopping);
        await _status.StopLoopAsync().ConfigureAwait(false);
        await _status.TryPublishAsync(AgentState.Stopping, cancellationToken).ConfigureAwait(false);
        await _link.FlushAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        await _status.TryPublishAsync(AgentState.Offline, cancellationToken).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var route in _routes)
        {
            await route.StopAsync().ConfigureAwait(false);
        }

        await _running.ConfigureAwait(false);
        await _trimming.ConfigureAwait(false);
        try
        {
            await _link.DisconnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or OperationCanceledException)
        {
            Log.DisconnectFailed(_logger, e.Message);
        }
    }

    private async Task OnConnectedAsync(CancellationToken cancellationToken)
    {
        await _status.TryPublishAsync(null, cancellationToken).ConfigureAwait(false);
        foreach (var route in _routes)
        {
            await route.OnConnectedAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>MQTTnet's receive handler: whatever a route does, nothing escapes into the delivery (QoS-1 acks must flow).</summary>
    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        string topic = e.ApplicationMessage.Topic;
        foreach (var route in _routes)
        {
            if (!route.Accepts(topic))
            {
                continue;
            }

            long bytes = e.ApplicationMessage.Payload.Length;
            _trim.Received(bytes);
            int max = route.MaxPayloadBytes(topic);
            if (bytes > max)
            {
                if (_routeFailures.ShouldLog("oversized:" + route.GetType().Name, out long dropped))
                {
                    Log.PayloadTooLarge(_logger, topic, bytes, max, dropped);
                }

                return;
            }

            try
            {
                await route.OnMessageAsync(e.ApplicationMessage, _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                if (_routeFailures.ShouldLog(route.GetType().Name, out long suppressed))
                {
                    Log.RouteFailed(_logger, topic, suppressed, ex);
                }
            }

            return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _link.DisposeAsync().ConfigureAwait(false);
        if (_broker is not null)
        {
            await _broker.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }
}
