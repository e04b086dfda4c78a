using MQTTnet;

namespace EdgeInspector.Messaging;

/// <summary>
/// One kind of inbound message (commands, model transfer): the topic filters it subscribes, the
/// topics it takes, and what it does with one. The connection calls every route inside its own
/// try/catch, but a route must not throw: MQTTnet acknowledges a QoS-1 message only when its
/// handler returns.
/// </summary>
public interface IMqttRoute
{
    /// <summary>Topic filters subscribed on every connect (none: the route is off).</summary>
    IReadOnlyList<string> Filters { get; }

    bool Accepts(string topic);

    /// <summary>
    /// The largest payload the route takes on <paramref name="topic"/>: a bigger one is dropped
    /// before it is copied or parsed, so a hostile sender cannot make the agent hold megabytes.
    /// </summary>
    int MaxPayloadBytes(string topic);

    /// <summary>Handles one message; the payload must be copied if kept past the returned task.</summary>
    Task OnMessageAsync(MqttApplicationMessage message, CancellationToken cancellationToken);

    /// <summary>After every (re)connect, before queued messages flow: republish retained state here.</summary>
    Task OnConnectedAsync(CancellationToken cancellationToken);

    /// <summary>The connection is stopping: end long work (it has been cancelled) and return when done.</summary>
    Task StopAsync();
}
