using Microsoft.Extensions.Logging;

namespace EdgeInspector.Inference;

/// <summary>Inference's log lines; EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, EventName = "ModelLoaded", Level = LogLevel.Information, Message = "Model {Name} v{Version} ({File}) loaded on {Provider} from {Directory}")]
    public static partial void ModelLoaded(ILogger logger, string name, int version, string file, ExecutionProviderKind provider, string directory);

    [LoggerMessage(EventId = 4001, EventName = "PrecisionFallback", Level = LogLevel.Warning, Message = "Inference:Precision Int8 not served: {Reason}")]
    public static partial void PrecisionFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 4010, EventName = "ProviderActive", Level = LogLevel.Information, Message = "Execution provider {Provider} serves the model")]
    public static partial void ProviderActive(ILogger logger, ExecutionProviderKind provider);

    [LoggerMessage(EventId = 4011, EventName = "ProviderSkipped", Level = LogLevel.Warning, Message = "Execution provider {Provider} skipped: {Reason}")]
    public static partial void ProviderSkipped(ILogger logger, ExecutionProviderKind provider, string reason);
}
