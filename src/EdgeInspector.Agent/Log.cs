using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>The inspection line's log lines (pipeline, serving model, enrollment); EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, EventName = "ServingPointer", Level = LogLevel.Information, Message = "Serving {Package} (from {Pointer})")]
    public static partial void ServingPointer(ILogger logger, string package, string pointer);

    [LoggerMessage(EventId = 1101, EventName = "StartupFallback", Level = LogLevel.Error, Message = "Updated model {Package} cannot be loaded ({Reason}); serving {Configured}")]
    public static partial void StartupFallback(ILogger logger, string package, string reason, string configured);
}
