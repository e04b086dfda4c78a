using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent.Mqtt;

/// <summary>The agent's MQTT log lines; EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3200, EventName = "Publishing", Level = LogLevel.Information, Message = "Publishing to {Broker} under {Root}")]
    public static partial void Publishing(ILogger logger, string broker, string root);

    [LoggerMessage(EventId = 3201, EventName = "StatusNotPublished", Level = LogLevel.Debug, Message = "Status not published now: {Reason}")]
    public static partial void StatusNotPublished(ILogger logger, string reason);

    [LoggerMessage(EventId = 3202, EventName = "DisconnectFailed", Level = LogLevel.Warning, Message = "Disconnect from broker failed: {Reason}")]
    public static partial void DisconnectFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 3204, EventName = "PayloadTooLarge", Level = LogLevel.Warning, Message = "Message on {Topic} dropped unread: {Bytes} bytes, the topic takes at most {MaxBytes} ({Suppressed} more in the last minute not logged)")]
    public static partial void PayloadTooLarge(ILogger logger, string topic, long bytes, int maxBytes, long suppressed);

    [LoggerMessage(EventId = 3205, EventName = "MemoryTrimmed", Level = LogLevel.Information, Message = "{InboundMb:F1} MB came in since the last trim; the managed heap commits {CommittedMb:F1} MB now, {BeforeMb:F1} MB before")]
    public static partial void MemoryTrimmed(ILogger logger, double inboundMb, double beforeMb, double committedMb);

    [LoggerMessage(EventId = 3203, EventName = "RouteFailed", Level = LogLevel.Error, Message = "Message on {Topic} failed in its handler; acknowledged anyway ({Suppressed} more in the last minute not logged)")]
    public static partial void RouteFailed(ILogger logger, string topic, long suppressed, Exception exception);
}
