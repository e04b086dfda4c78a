using EdgeInspector.Core;

namespace EdgeInspector.Acquisition;

/// <summary>A frame source: a GenICam camera, a vendor SDK, or recorded images.</summary>
public interface ICamera : IAsyncDisposable
{
    /// <summary>Backend name as status reports it (replay, aravis, spinnaker, opencv).</summary>
    string Backend { get; }

    bool IsConnected { get; }

    /// <summary>Frames the camera reported as lost (incomplete buffers, underruns).</summary>
    long Dropped { get; }

    ValueTask OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Waits for the next frame. Returns null when a finite source is exhausted. Throws
    /// <see cref="CameraException"/> for a frame that could not be acquired; the caller reports it
    /// as an ERROR verdict and may call again.
    /// </summary>
    ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken);
}

/// <summary>A frame could not be acquired; the message says what and how to fix it.</summary>
public sealed class CameraException : Exception
{
    public CameraException(string message, bool disconnected = false)
        : base(message) => Disconnected = disconnected;

    public CameraException(string message, Exception inner, bool disconnected = false)
        : base(message, inner) => Disconnected = disconnected;

    /// <summary>The camera is gone (unplugged, stream lost), not just one bad frame.</summary>
    public bool Disconnected { get; }
}
