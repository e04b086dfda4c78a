using System.Net;
using Microsoft.Extensions.Logging;
using MQTTnet.Server;

namespace EdgeInspector.Messaging;

/// <summary>
/// MQTTnet's in-process broker on loopback, so a bench agent works with no broker installed.
/// The agent's own client still connects to it over TCP, exactly as to an external broker.
/// </summary>
public sealed partial class EmbeddedBroker(EmbeddedBrokerOptions options, ILogger logger) : IAsyncDisposable
{
    private MqttServer? _server;

    public async Task StartAsync()
    {
        if (!IPAddress.TryParse(options.BindAddress, out var address))
        {
            throw new FormatException($"Mqtt:EmbeddedBroker:BindAddress '{options.BindAddress}' is not an IP address; use 127.0.0.1 (loopback) or 0.0.0.0 (all interfaces).");
        }

        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointPort(options.Port)
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += AssignClientIdentifier;
        try
        {
            await _server.StartAsync().ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            throw new InvalidOperationException($"The embedded MQTT broker cannot listen on {options.BindAddress}:{options.Port} ({e.Message}). Pick a free port with --port, or stop what uses it.", e);
        }

        Log.Started(logger, options.BindAddress, options.Port);
    }

    /// <summary>
    /// mosquitto_sub and most tools send an empty client id and expect the broker to pick one.
    /// MQTTnet does so only for MQTT 5 and only when told which; 3.1.1 clients need an id (-i).
    /// </summary>
    private static Task AssignClientIdentifier(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = "auto-" + Guid.NewGuid().ToString("N");
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(new MqttServerStopOptions()).ConfigureAwait(false);
            _server.Dispose();
        }
    }
}
