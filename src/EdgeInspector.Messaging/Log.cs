using Microsoft.Extensions.Logging;

namespace EdgeInspector.Messaging;

/// <summary>Messaging's log lines (connection, outbox); EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, EventName = "OutboxDisabled", Level = LogLevel.Warning, Message = "Durable outbox off (Mqtt:Outbox:Enabled=false): verdicts are kept in memory and lost if the agent stops while the broker is away")]
    public static partial void OutboxDisabled(ILogger logger);

    [LoggerMessage(EventId = 3001, EventName = "OutboxUnavailable", Level = LogLevel.Error, Message = "{Reason} Verdict seq starts at {Seq} (from the clock)")]
    public static partial void OutboxUnavailable(ILogger logger, string reason, long seq);
}
