using EdgeInspector.Agent.Mqtt;
using EdgeInspector.Messaging;
using EdgeInspector.Web;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MQTTnet;

namespace EdgeInspector.Agent.Web;

/// <summary>
/// Web:Enabled — the agent serves the live web view itself, an MQTT client of the broker the agent
/// publishes to (the embedded one by default). It never takes the line down: while the broker is
/// away or the port is taken it logs why and tries again; inspection goes on meanwhile.
/// </summary>
public sealed partial class DeviceWebView(
    IOptions<DeviceWebOptions> options,
    IOptions<MqttOptions> mqtt,
    IOptions<AgentOptions> agent,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = loggers.CreateLogger<DeviceWebView>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var web = options.Value;
        if (!web.Enabled)
        {
            return;
        }

        var broker = MqttConnection.Address(mqtt.Value);
        WebView? view = null;
        for (int attempt = 1; view is null && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                view = await WebView.StartAsync(web.ToWebViewOptions(mqtt.Value.TopicRoot), (client, ct) => ConnectAsync(client, broker, ct), Logging, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever failed (broker, TLS, port, a timeout inside MQTTnet), the web view is an
                // extra: an exception escaping here would stop the host, and with it the line.
                if (attempt == 1 || attempt % 12 == 0)
                {
                    LogNotStarted(_logger, web.Listen, broker.ToString(), attempt, e.Message); // once a minute while it lasts
                }

                await Task.Delay(RetryDelay, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        if (view is null)
        {
            return;
        }

        await using (view.ConfigureAwait(false))
        {
            LogServing(_logger, view.Url, view.Listener.Https, view.Listener.PasswordRequired, broker.ToString());
            await Task.Delay(Timeout.Infinite, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private Task ConnectAsync(IMqttClient client, BrokerAddress broker, CancellationToken cancellationToken)
    {
        var web = options.Value;
        bool own = web.MqttUsername is null && web.MqttTls is null;
        return client.ConnectAsync(
            MqttClientSecurity.CleanClient(broker, $"edge-inspector-web-{agent.Value.DeviceId}",
                own ? mqtt.Value.Username : web.MqttUsername,
                own ? mqtt.Value.Password : web.MqttPassword,
                own ? mqtt.Value.Tls : web.MqttTls ?? new MqttTlsOptions()),
            cancellationToken);
    }

    /// <summary>The web view logs through the agent's loggers (journald), ASP.NET Core's own chatter at warnings only.</summary>
    private void Logging(ILoggingBuilder logging)
    {
        logging.AddProvider(new HostLoggers(loggers));
        logging.AddFilter("Microsoft", LogLevel.Warning);
    }

    [LoggerMessage(EventId = 1600, EventName = "WebServing", Level = LogLevel.Information, Message = "Web view serving {Url} (HTTPS {Https}, password {Password}) from the broker {Broker}")]
    private static partial void LogServing(ILogger logger, string url, bool https, bool password, string broker);

    [LoggerMessage(EventId = 1601, EventName = "WebNotStarted", Level = LogLevel.Warning, Message = "Web view on {Listen} not started (attempt {Attempt}, broker {Broker}): {Reason}; inspection goes on, retrying every 5 s, logged once a minute")]
    private static partial void LogNotStarted(ILogger logger, string listen, string broker, int attempt, string reason);

    private sealed class HostLoggers(ILoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
