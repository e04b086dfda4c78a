using EdgeInspector.Agent.DeviceCommands;
using EdgeInspector.Core;
using EdgeInspector.Messaging;
using EdgeInspector.Messaging.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.Mqtt;

public static class MqttServiceCollectionExtensions
{
    /// <summary>
    /// The agent's messaging: the durable outbox (opened here, before the pipeline, since it owns
    /// the verdict sequence), the link, the connection with its routes, the verdict sink, the
    /// status publisher, and one handler per command.
    /// </summary>
    public static IServiceCollection AddAgentMqtt(this IServiceCollection services)
    {
        services.AddSingleton(sp => new Topics(sp.GetRequiredService<IOptions<MqttOptions>>().Value.TopicRoot, sp.GetRequiredService<IOptions<AgentOptions>>().Value.DeviceId));
        services.AddSingleton(sp =>
        {
            var outbox = VerdictOutbox.Open(sp.GetRequiredService<IOptions<MqttOptions>>().Value.Outbox, sp.GetRequiredService<ILoggerFactory>());
            if (outbox.Problem is { } problem)
            {
                sp.GetRequiredService<AgentTelemetry>().ReportError(problem);
            }

            return outbox;
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<MqttOptions>>().Value;
            var telemetry = sp.GetRequiredService<AgentTelemetry>();
            return new MqttLink(
                options,
                MqttConnection.Address(options),
                options.ClientId ?? $"edge-inspector-{telemetry.DeviceId}",
                sp.GetRequiredService<Topics>().Status,
                () => ContractJson.Serialize(telemetry.Snapshot(AgentState.Offline)),
                sp.GetRequiredService<ILogger<MqttLink>>(),
                sp.GetRequiredService<VerdictOutbox>().Store);
        });
        services.AddSingleton<StatusPublisher>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InboundMemoryTrim>();
        services.AddSingleton<IMqttRoute, CommandEndpoint>();
        services.AddSingleton<IMqttRoute, ModelTransferEndpoint>();
        services.AddSingleton<ReplyTopicRule>();
        services.AddSingleton<CommandDispatcher>();
        services.AddSingleton<ICommandHandler, StatusCommand>();
        services.AddSingleton<ICommandHandler, RollbackCommand>();
        services.AddSingleton<ICommandHandler, SetThresholdCommand>();
        services.AddSingleton<ICommandHandler, SnapshotCommand>();
        services.AddSingleton<ICommandHandler, EnrollCommand>();
        services.AddSingleton<CapturedParts>();
        services.AddSingleton<ICommandHandler, CaptureListCommand>();
        services.AddSingleton<ICommandHandler, CaptureFetchCommand>();
        services.AddSingleton<ICommandHandler, CaptureAckCommand>();

        // Registered before the pipeline so it stops after it and flushes the last verdicts.
        services.AddSingleton<MqttConnection>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        services.AddSingleton<IVerdictSink, MqttVerdictSink>();
        return services;
    }
}
