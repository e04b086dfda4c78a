using System.Diagnostics;
using EdgeInspector.Core;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>
/// The retained status: on every (re)connect, at once on a change of state (running, updating,
/// stopping), other changes (camera, errors, counters) coalesced into at most one every 250 ms,
/// and every Mqtt:StatusInterval.
/// </summary>
public sealed class StatusPublisher : IDisposable
{
    private readonly MqttLink _link;
    private readonly Topics _topics;
    private readonly AgentTelemetry _telemetry;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    /// <summary>Stopped before the final stopping/offline statuses, so no periodic status lands after them.</summary>
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Released on a state change: the loop publishes it now, not at its next tick.</summary>
    private readonly SemaphoreSlim _stateChanged = new(0, 1);
    private Task _loop = Task.CompletedTask;
    private int _dirty;

    public StatusPublisher(MqttLink link, Topics topics, AgentTelemetry telemetry, IOptions<MqttOptions> options, ILogger<StatusPublisher> logger)
    {
        _link = link;
        _topics = topics;
        _telemetry = telemetry;
        _interval = options.Value.StatusInterval;
        _logger = logger;
    }

    public string Topic => _topics.Device;

    public void Start()
    {
        _telemetry.Changed += MarkDirty;
        _telemetry.StateChanged += SignalStateChanged;
        _loop = LoopAsync(_stop.Token);
    }

    public async Task StopLoopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Publishes the status now (with <paramref name="state"/> when given) if connected; never throws for the network.</summary>
    public async Task TryPublishAsync(AgentState? state, CancellationToken cancellationToken)
    {
        if (!_link.IsConnected)
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
            Log.StatusNotPublished(_logger, e.Message);
        }
    }

    private void MarkDirty() => Interlocked.Exchange(ref _dirty, 1);

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
        catch (ObjectDisposedException)
        {
            // A state change while the host tears down: nobody publishes any more.
        }
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var tick = TimeSpan.FromMilliseconds(250);
        long lastPublished = Stopwatch.GetTimestamp();
        try
        {
            while (true)
            {
                bool stateChanged = await _stateChanged.WaitAsync(tick, cancellationToken).ConfigureAwait(false);
                bool dirty = Interlocked.Exchange(ref _dirty, 0) == 1;
                if (stateChanged || dirty || Stopwatch.GetElapsedTime(lastPublished) >= _interval)
                {
                    lastPublished = Stopwatch.GetTimestamp();
                    await TryPublishAsync(null, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose()
    {
        _telemetry.Changed -= MarkDirty;
        _telemetry.StateChanged -= SignalStateChanged;
        _stateChanged.Dispose();
        _stop.Dispose();
    }
}
