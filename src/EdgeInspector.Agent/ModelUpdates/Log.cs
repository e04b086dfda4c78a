using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent.ModelUpdates;

/// <summary>Model updates' log lines (transfer, activation, rollback); EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, EventName = "KeysUnusable", Level = LogLevel.Error, Message = "Model updates cannot verify signatures: {Reason}")]
    public static partial void KeysUnusable(ILogger logger, string reason);

    [LoggerMessage(EventId = 2001, EventName = "UpdateOffered", Level = LogLevel.Information, Message = "Update {Transfer}: {Name} v{Version} offered, {Bytes} bytes in {Chunks} chunks")]
    public static partial void Offered(ILogger logger, string transfer, string name, int version, long bytes, int chunks);

    [LoggerMessage(EventId = 2002, EventName = "ChunkRefused", Level = LogLevel.Warning, Message = "Update {Transfer}: chunk {Index} refused ({Outcome}; {Suppressed} more in the last minute not logged)")]
    public static partial void ChunkRefused(ILogger logger, string transfer, int index, string outcome, long suppressed);

    [LoggerMessage(EventId = 2003, EventName = "UpdateRejected", Level = LogLevel.Warning, Message = "Update {Transfer} rejected: {Reason}")]
    public static partial void Rejected(ILogger logger, string transfer, string reason);

    [LoggerMessage(EventId = 2012, EventName = "OfferRefused", Level = LogLevel.Warning, Message = "Update {Transfer} refused at its offer: {Reason} ({Suppressed} more in the last minute not logged)")]
    public static partial void OfferRefused(ILogger logger, string transfer, string reason, long suppressed);

    [LoggerMessage(EventId = 2004, EventName = "SelfTestPassed", Level = LogLevel.Information, Message = "Self-test of {Name} v{Version}: {Golden} golden images passed")]
    public static partial void SelfTest(ILogger logger, string name, int version, int golden);

    [LoggerMessage(EventId = 2005, EventName = "UpdateActivated", Level = LogLevel.Information, Message = "Update {Transfer}: {Name} v{Version} active after {Seconds:F1} s")]
    public static partial void Activated(ILogger logger, string transfer, string name, int version, double seconds);

    [LoggerMessage(EventId = 2006, EventName = "SwapPending", Level = LogLevel.Warning, Message = "No frame within {Seconds} s: the new model takes over at the next part")]
    public static partial void SwapPending(ILogger logger, double seconds);

    [LoggerMessage(EventId = 2007, EventName = "TransferResumed", Level = LogLevel.Information, Message = "Update {Transfer} resumed after restart: {Received}/{Chunks} chunks held")]
    public static partial void Resumed(ILogger logger, string transfer, int received, int chunks);

    [LoggerMessage(EventId = 2008, EventName = "RolledBack", Level = LogLevel.Warning, Message = "Rolled back to {Name} v{Version} ({Package})")]
    public static partial void RolledBack(ILogger logger, string name, int version, string package);

    [LoggerMessage(EventId = 2009, EventName = "RollbackRefused", Level = LogLevel.Warning, Message = "cmd/rollback refused: {Reason}")]
    public static partial void RollbackRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 2010, EventName = "ProbationFailed", Level = LogLevel.Error, Message = "New model failed its probation: {Reason}")]
    public static partial void ProbationFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 2011, EventName = "AutoRollbackFailed", Level = LogLevel.Critical, Message = "Automatic rollback failed: {Reason}")]
    public static partial void AutoRollbackFailed(ILogger logger, string reason);
}
