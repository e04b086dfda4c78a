using Microsoft.Extensions.Logging;

namespace EdgeInspector.Messaging;

/// <summary>Messaging's log lines (connection, outbox); EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3000, EventName = "OutboxDisabled", Level = LogLevel.Warning, Message = "Durable outbox off (Mqtt:Outbox:Enabled=false): verdicts are kept in memory and lost if the agent stops while the broker is away")]
    public static partial void OutboxDisabled(ILogger logger);

    [LoggerMessage(EventId = 3001, EventName = "OutboxUnavailable", Level = LogLevel.Error, Message = "{Reason} Verdict seq starts at {Seq} (from the clock)")]
    public static partial void OutboxUnavailable(ILogger logger, string reason, long seq);

    [LoggerMessage(EventId = 3002, EventName = "Opened", Level = LogLevel.Information, Message = "Durable outbox {File}: {Unacked} verdicts waiting from before, last seq {LastSeq}, synchronous={Synchronous}")]
    public static partial void Opened(ILogger logger, string file, long unacked, long lastSeq, string synchronous);

    [LoggerMessage(EventId = 3003, EventName = "Unreadable", Level = LogLevel.Error, Message = "Durable outbox {File} is unreadable ({Reason}); moved aside to {Aside}, starting a fresh one. Verdicts it held are not sent; inspection goes on")]
    public static partial void Unreadable(ILogger logger, string file, string reason, string aside);

    [LoggerMessage(EventId = 3004, EventName = "Fresh", Level = LogLevel.Warning, Message = "Fresh durable outbox {File}: verdict seq continues at {Seq} (from the clock, above the lost file's)")]
    public static partial void Fresh(ILogger logger, string file, long seq);

    [LoggerMessage(EventId = 3005, EventName = "DroppedOldest", Level = LogLevel.Warning, Message = "Durable outbox full (Mqtt:Outbox:MaxMessages {MaxMessages}, MaxBytes {MaxBytes}): dropping the oldest verdicts while the broker is away; {Total} dropped so far")]
    public static partial void DroppedOldest(ILogger logger, long maxMessages, long maxBytes, long total);

    [LoggerMessage(EventId = 3006, EventName = "DiskRefused", Level = LogLevel.Error, Message = "Durable outbox {File} refused a write of {Count} verdicts ({Reason}); dropping verdicts until the disk takes writes again (free space in the state directory). Inspection goes on")]
    public static partial void DiskRefused(ILogger logger, string file, int count, string reason);

    [LoggerMessage(EventId = 3007, EventName = "WritesResumed", Level = LogLevel.Information, Message = "Durable outbox {File} takes writes again; {Dropped} verdicts dropped in all")]
    public static partial void WritesResumed(ILogger logger, string file, long dropped);

    [LoggerMessage(EventId = 3008, EventName = "Broken", Level = LogLevel.Critical, Message = "Durable outbox {File} cannot be used any more ({Reason}); verdicts are dropped and counted until the agent restarts. Check the disk under the state directory")]
    public static partial void Broken(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 3009, EventName = "DeleteFailed", Level = LogLevel.Warning, Message = "Durable outbox {File}: acknowledged verdicts not deleted ({Reason}); they are sent again after a restart")]
    public static partial void DeleteFailed(ILogger logger, string file, string reason);

    [LoggerMessage(EventId = 3020, EventName = "Connected", Level = LogLevel.Information, Message = "MQTT connected to {Broker} (session resumed: {SessionPresent})")]
    public static partial void Connected(ILogger logger, string broker, bool sessionPresent);

    [LoggerMessage(EventId = 3021, EventName = "ConnectFailed", Level = LogLevel.Warning, Message = "MQTT connection to {Broker} failed (attempt {Attempt}): {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string broker, int attempt, string reason);

    [LoggerMessage(EventId = 3022, EventName = "Disconnected", Level = LogLevel.Warning, Message = "MQTT disconnected from {Broker}: {Reason}; reconnecting")]
    public static partial void Disconnected(ILogger logger, string broker, string reason);

    [LoggerMessage(EventId = 3024, EventName = "Reconnected", Level = LogLevel.Information, Message = "MQTT reconnected to {Broker} after {OutageSeconds:F1} s (session resumed: {SessionPresent})")]
    public static partial void Reconnected(ILogger logger, string broker, double outageSeconds, bool sessionPresent);

    [LoggerMessage(EventId = 3023, EventName = "PublishRejected", Level = LogLevel.Warning, Message = "Broker rejected a message on {Topic}: {Reason}")]
    public static partial void PublishRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3040, EventName = "Started", Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port}")]
    public static partial void Started(ILogger logger, string address, int port);
}
