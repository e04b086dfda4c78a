using System.Collections.Concurrent;

namespace EdgeInspector.Core;

/// <summary>
/// Recycles frame-sized byte buffers so the acquisition loop allocates nothing per frame once
/// warm: an 8.9 MP frame is 9-27 MB, and the GC would otherwise churn the large-object heap.
/// </summary>
public sealed class FramePool
{
    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly int _maxRetained;
    private long _allocations;

    public FramePool(int maxRetained = 16) => _maxRetained = maxRetained;

    /// <summary>Buffers this pool has ever allocated; flat once the pipeline is warm.</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    public byte[] Rent(int minimumLength)
    {
        while (_free.TryDequeue(out var buffer))
        {
            if (buffer.Length >= minimumLength)
            {
                return buffer;
            }
        }

        Interlocked.Increment(ref _allocations);
        return GC.AllocateUninitializedArray<byte>(minimumLength, pinned: true);
    }

    public void Return(byte[] buffer)
    {
        if (_free.Count < _maxRetained)
        {
            _free.Enqueue(buffer);
        }
    }

    public Frame Rent(int width, int height, PixelFormat format, long cameraFrameId, long cameraTimestampNs, long captureStartTicks)
    {
        int length = checked(width * height * format.BytesPerPixel());
        return new Frame(this, Rent(length), width, height, format, cameraFrameId, cameraTimestampNs, captureStartTicks);
    }
}
