using EdgeInspector.Core;
using EdgeInspector.Imaging;

namespace EdgeInspector.Agent;

/// <summary>A full-resolution JPEG of one inspected part, with the verdict it belongs to.</summary>
public sealed record Snapshot(byte[] Jpeg, int Width, int Height, string InspectionId);

/// <summary>
/// Lets a field tech see what the camera sees (focus, light, position): a request is answered
/// with the next part that passes the decide stage. Encoding happens only when asked, so the
/// line pays nothing otherwise.
/// </summary>
public sealed class FrameSnapshots : IInspectionTap
{
    private TaskCompletionSource<Snapshot>? _pending;

    /// <summary>Waits for the next inspected part; concurrent requests share it.</summary>
    public Task<Snapshot> NextAsync(CancellationToken cancellationToken)
    {
        var created = new TaskCompletionSource<Snapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = Interlocked.CompareExchange(ref _pending, created, null) ?? created;
        return pending.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Sees every decided part; encodes only when a request waits, and only an inspected part.</summary>
    public void Observe(DecidedPart part)
    {
        if (part.Verdict.Kind == VerdictKind.Error || part.Frame is not { } frame || Volatile.Read(ref _pending) is null)
        {
            return;
        }

        var pending = Interlocked.Exchange(ref _pending, null);
        pending?.TrySetResult(new Snapshot(FrameJpeg.Encode(frame), frame.Width, frame.Height, part.Verdict.Id));
    }
}
