using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>The inspection line's log lines (pipeline, serving model, enrollment); EventIds are stable (docs/logging.md).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, EventName = "StageFailed", Level = LogLevel.Critical, Message = "Pipeline stage {Stage} failed")]
    public static partial void StageFailed(ILogger logger, string stage, Exception exception);

    [LoggerMessage(EventId = 1001, EventName = "CameraRetry", Level = LogLevel.Warning, Message = "Camera not available (attempt {Attempt}): {Reason}; retrying")]
    public static partial void CameraRetry(ILogger logger, int attempt, string reason);

    [LoggerMessage(EventId = 1002, EventName = "CameraOpened", Level = LogLevel.Information, Message = "Camera {Backend} opened (attempt {Attempt})")]
    public static partial void CameraOpened(ILogger logger, string backend, int attempt);

    [LoggerMessage(EventId = 1003, EventName = "RejectLate", Level = LogLevel.Error, Message = "Part {Seq} is NG but its verdict came after it passed the reject actuator: raise Reject:Delay or speed up inspection")]
    public static partial void RejectLate(ILogger logger, long seq);

    [LoggerMessage(EventId = 1004, EventName = "SourceEnded", Level = LogLevel.Information, Message = "Frame source ended after {Frames} frames")]
    public static partial void SourceEnded(ILogger logger, long frames);

    [LoggerMessage(EventId = 1005, EventName = "PartNotInspected", Level = LogLevel.Warning, Message = "Part {Seq} not inspected: {Reason}")]
    public static partial void PartNotInspected(ILogger logger, long seq, string? reason);

    [LoggerMessage(EventId = 1100, EventName = "ServingPointer", Level = LogLevel.Information, Message = "Serving {Package} (from {Pointer})")]
    public static partial void ServingPointer(ILogger logger, string package, string pointer);

    [LoggerMessage(EventId = 1101, EventName = "StartupFallback", Level = LogLevel.Error, Message = "Updated model {Package} cannot be loaded ({Reason}); serving {Configured}")]
    public static partial void StartupFallback(ILogger logger, string package, string reason, string configured);

    [LoggerMessage(EventId = 1010, EventName = "Running", Level = LogLevel.Information, Message = "Inspecting as {Device}: state=running")]
    public static partial void Running(ILogger logger, string device);

    [LoggerMessage(EventId = 1011, EventName = "Finished", Level = LogLevel.Information, Message = "Pipeline finished after {Parts} parts")]
    public static partial void Finished(ILogger logger, long parts);

    [LoggerMessage(EventId = 1012, EventName = "Crashed", Level = LogLevel.Critical, Message = "Agent crashed")]
    public static partial void Crashed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1013, EventName = "Fatal", Level = LogLevel.Critical, Message = "Agent cannot run: {Reason}")]
    public static partial void Fatal(ILogger logger, string reason);

    [LoggerMessage(EventId = 1200, EventName = "Collecting", Level = LogLevel.Information, Message = "Enrollment: collecting the next {Parts} parts for {Name} v{Version}")]
    public static partial void Collecting(ILogger logger, int parts, string name, int version);

    [LoggerMessage(EventId = 1201, EventName = "Built", Level = LogLevel.Information, Message = "Enrollment: {Name} v{Version} built, memory bank {Rows} rows from {Parts} parts in {Seconds:F1} s")]
    public static partial void Built(ILogger logger, string name, int version, int rows, int parts, double seconds);

    [LoggerMessage(EventId = 1202, EventName = "EnrollmentCrashed", Level = LogLevel.Error, Message = "Enrollment crashed")]
    public static partial void EnrollmentCrashed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1203, EventName = "EnrollFailed", Level = LogLevel.Warning, Message = "Enrollment failed: {Reason}")]
    public static partial void EnrollFailed(ILogger logger, string reason);

    [LoggerMessage(EventId = 1300, EventName = "Set", Level = LogLevel.Information, Message = "Threshold override for {Name} v{Version} stored: image {Image}, pixel {Pixel} (null = manifest)")]
    public static partial void Set(ILogger logger, string name, int version, double? image, double? pixel);

    [LoggerMessage(EventId = 1301, EventName = "OtherPackage", Level = LogLevel.Information, Message = "The stored cmd/set-threshold override was set for another package; {Name} v{Version} decides with its own thresholds")]
    public static partial void OtherPackage(ILogger logger, string name, int version);

    [LoggerMessage(EventId = 1302, EventName = "Unreadable", Level = LogLevel.Warning, Message = "Threshold override {Path} cannot be read ({Reason}); ignored until the next cmd/set-threshold replaces it")]
    public static partial void Unreadable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1400, EventName = "Enabled", Level = LogLevel.Information, Message = "systemd watchdog every {Seconds:0.#} s, fed while the pipeline makes progress")]
    public static partial void Enabled(ILogger logger, double seconds);

    [LoggerMessage(EventId = 1401, EventName = "Stalled", Level = LogLevel.Error, Message = "Pipeline made no progress for {Seconds:0.#} s: withholding the watchdog ping so systemd restarts the agent")]
    public static partial void Stalled(ILogger logger, double seconds);

    [LoggerMessage(EventId = 1500, EventName = "CapturesOpened", Level = LogLevel.Information, Message = "Captures: {Parts} parts, {Bytes} bytes held in {Directory}")]
    public static partial void CapturesOpened(ILogger logger, long parts, long bytes, string directory);

    [LoggerMessage(EventId = 1501, EventName = "CaptureSkipped", Level = LogLevel.Warning, Message = "Capture record {Path} removed: {Reason}")]
    public static partial void CaptureSkipped(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 1502, EventName = "CaptureNoRoom", Level = LogLevel.Warning, Message = "Part {Id} not captured: its {Bytes}-byte image does not fit Capture:MaxBytes {MaxBytes} above Capture:MinFreeBytes {MinFreeBytes} of free disk ({Suppressed} more in the last minute not logged)")]
    public static partial void CaptureNoRoom(ILogger logger, string id, long bytes, long maxBytes, long minFreeBytes, long suppressed);

    [LoggerMessage(EventId = 1503, EventName = "CaptureFailed", Level = LogLevel.Warning, Message = "Part {Id} not captured: {Reason} ({Suppressed} more in the last minute not logged)")]
    public static partial void CaptureFailed(ILogger logger, string id, string reason, long suppressed);

    [LoggerMessage(EventId = 1504, EventName = "CapturesUnavailable", Level = LogLevel.Error, Message = "Capture is off: {Directory} cannot be used ({Reason}); make Agent:StateDirectory writable for the agent")]
    public static partial void CapturesUnavailable(ILogger logger, string directory, string reason);
}
