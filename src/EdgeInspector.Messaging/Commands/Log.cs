using Microsoft.Extensions.Logging;

namespace EdgeInspector.Messaging.Commands;

/// <summary>The command dispatcher's log lines; EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3100, EventName = "CommandProblem", Level = LogLevel.Warning, Message = "cmd/{Command} {What} ({Suppressed} more like it in the last minute not logged)")]
    public static partial void CommandProblem(ILogger logger, string command, string what, long suppressed);

    [LoggerMessage(EventId = 3101, EventName = "CommandFailed", Level = LogLevel.Error, Message = "cmd/{Command} failed unexpectedly ({Suppressed} more in the last minute not logged)")]
    public static partial void CommandFailed(ILogger logger, string command, long suppressed, Exception exception);
}
