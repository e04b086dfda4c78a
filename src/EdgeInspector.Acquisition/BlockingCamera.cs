using System.Diagnostics;
using EdgeInspector.Core;

namespace EdgeInspector.Acquisition;

/// <summary>
/// The open/capture/dispose skeleton of a camera whose driver blocks (Aravis, the Spinnaker C API,
/// OpenCV's VideoCapture). One gate serialises open, capture and dispose; the blocking driver work
/// runs on the thread pool, off the caller; and each <see cref="OpenAsync"/> cancels the session
/// the previous one started, so a capture blocked in the driver is abandoned instead of holding
/// the reopen up for its whole timeout. <see cref="OpenAsync"/> tears down whatever was open and
/// opens again, so the agent recovers from a <see cref="CameraException"/> with
/// <see cref="CameraException.Disconnected"/> set by calling it again. A subclass implements only
/// the driver: <see cref="Connect"/>, <see cref="Capture"/> and <see cref="TearDown"/>.
/// </summary>
public abstract class BlockingCamera : ICamera
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource _session = new();
    private volatile bool _connected;
    private bool _disposed;

    public abstract string Backend { get; }

    public bool IsConnected => _connected;

    public abstract long Dropped { get; }

    /// <summary>What the not-open error calls the device: "Aravis camera", "OpenCV source '…'".</summary>
    protected abstract string Label { get; }

    public async ValueTask OpenAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _session.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Opening, configuring and tearing down a lost device block, for seconds: keep them off the caller.
            await Task.Run(() => Reopen(cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_connected)
            {
                throw new CameraException($"The {Label} is not open (it was lost or never opened); call OpenAsync to reconnect.", disconnected: true);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _session.Token);
            return await Task.Run(() => Capture(linked.Token), linked.Token).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _session.CancelAsync().ConfigureAwait(false);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.Run(TearDownDevice).ConfigureAwait(false);
            DisposeResources();
        }
        finally
        {
            _gate.Release();
            _session.Dispose();
            _gate.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Opens and configures the device and starts it delivering frames, on the thread pool under
    /// the gate; the camera counts as connected once it returns. When it throws, the base tears
    /// down whatever it had opened and reports <see cref="ExplainOpenFailure"/>'s exception.
    /// </summary>
    protected abstract void Connect();

    /// <summary>
    /// Waits for the next frame, on the thread pool under the gate; null when a finite source is
    /// exhausted. <paramref name="cancellationToken"/> is the caller's, cancelled too by the next
    /// <see cref="OpenAsync"/> or <see cref="DisposeAsync"/>: poll it between short driver waits.
    /// Call <see cref="LoseConnection"/> before throwing for a device that is gone.
    /// </summary>
    protected abstract Frame? Capture(CancellationToken cancellationToken);

    /// <summary>
    /// Releases whatever <see cref="Connect"/> opened, completely or in part; a no-op when nothing
    /// is open. <paramref name="wasConnected"/>: the device was delivering frames until now (it
    /// was neither lost nor half open), so it is worth telling it to stop.
    /// </summary>
    protected abstract void TearDown(bool wasConnected);

    /// <summary>The exception to report for a failed <see cref="Connect"/> (a missing or outdated library), or null to report the failure as it is.</summary>
    protected virtual CameraException? ExplainOpenFailure(Exception failure) => null;

    /// <summary>Releases what the camera holds besides the device, once, when it is disposed.</summary>
    protected virtual void DisposeResources()
    {
    }

    /// <summary>The device is gone (no frame in time, a refused trigger): captures fail until <see cref="OpenAsync"/>.</summary>
    protected void LoseConnection() => _connected = false;

    /// <summary>Whether the device still answers a register read; only a hardware-triggered camera needs it.</summary>
    protected virtual bool CameraAnswers() => false;

    /// <summary>The Stopwatch tick at which a frame waited for since now is overdue.</summary>
    protected static long FrameDeadline(TimeSpan timeout) => Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);

    /// <summary>
    /// After a driver wait slice that brought no frame: true to wait on, while inside the timeout
    /// or while a Line0-triggered camera still answers (no part has come yet: the deadline is
    /// renewed); false when the stream is lost, which is then recorded with <see cref="LoseConnection"/>.
    /// </summary>
    protected bool WaitOn(ref long deadline, TimeSpan timeout, CameraTrigger trigger)
    {
        if (Stopwatch.GetTimestamp() < deadline)
        {
            return true;
        }

        if (trigger == CameraTrigger.Line0 && CameraAnswers())
        {
            deadline = FrameDeadline(timeout);
            return true;
        }

        LoseConnection();
        return false;
    }

    /// <summary>Tears down, starts a new session (the old one was cancelled by <see cref="OpenAsync"/>) and connects.</summary>
    private void Reopen(CancellationToken cancellationToken)
    {
        TearDownDevice();
        _session.Dispose();
        _session = new CancellationTokenSource();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Connect();
            _connected = true;
        }
        catch (Exception e)
        {
            TearDownDevice();
            if (ExplainOpenFailure(e) is { } explained)
            {
                throw explained;
            }

            throw;
        }
    }

    private void TearDownDevice()
    {
        bool wasConnected = _connected;
        _connected = false;
        TearDown(wasConnected);
    }
}
