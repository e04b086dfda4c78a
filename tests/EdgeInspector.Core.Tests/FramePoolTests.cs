using EdgeInspector.Core;

namespace EdgeInspector.Core.Tests;

public sealed class FramePoolTests
{
    [Fact]
    public void Frame_describes_its_layout()
    {
        var pool = new FramePool();
        using var frame = pool.Rent(64, 48, PixelFormat.Rgb8, cameraFrameId: 12, cameraTimestampNs: 34, captureStartTicks: 56);

        Assert.Equal(64, frame.Width);
        Assert.Equal(48, frame.Height);
        Assert.Equal(PixelFormat.Rgb8, frame.Format);
        Assert.Equal(64 * 48 * 3, frame.Length);
        Assert.Equal(64 * 3, frame.Stride);
        Assert.Equal(frame.Length, frame.Pixels.Length);
        Assert.True(frame.Buffer.Length >= frame.Length);
        Assert.Equal(12, frame.CameraFrameId);
        Assert.Equal(34, frame.CameraTimestampNs);
        Assert.Equal(56, frame.CaptureStartTicks);
    }

    [Theory]
    [InlineData(PixelFormat.Rgb8, 3)]
    [InlineData(PixelFormat.Bgr8, 3)]
    [InlineData(PixelFormat.BayerRG8, 1)]
    [InlineData(PixelFormat.Mono8, 1)]
    public void Bytes_per_pixel_match_the_format(PixelFormat format, int bytes)
    {
        Assert.Equal(bytes, format.BytesPerPixel());
    }

    [Fact]
    public void Dispose_returns_the_buffer_for_the_next_frame()
    {
        var pool = new FramePool();
        var first = pool.Rent(32, 32, PixelFormat.Mono8, 1, 0, 0);
        byte[] buffer = first.Buffer;
        first.Dispose();

        using var second = pool.Rent(32, 32, PixelFormat.Mono8, 2, 0, 0);

        Assert.Same(buffer, second.Buffer);
        Assert.Equal(1, pool.Allocations);
    }

    [Fact]
    public void Allocations_stay_flat_after_warm_up()
    {
        var pool = new FramePool(maxRetained: 4);
        // A pipeline with three frames in flight at once.
        void Cycle(int round)
        {
            var frames = new[]
            {
                pool.Rent(640, 480, PixelFormat.Rgb8, round, 0, 0),
                pool.Rent(640, 480, PixelFormat.Rgb8, round, 0, 0),
                pool.Rent(640, 480, PixelFormat.Rgb8, round, 0, 0),
            };
            foreach (var f in frames)
            {
                f.Dispose();
            }
        }

        Cycle(0);
        long warm = pool.Allocations;
        for (int round = 1; round <= 200; round++)
        {
            Cycle(round);
        }

        Assert.Equal(3, warm);
        Assert.Equal(warm, pool.Allocations);
    }

    [Fact]
    public void Double_dispose_returns_the_buffer_once()
    {
        var pool = new FramePool();
        var frame = pool.Rent(16, 16, PixelFormat.Mono8, 1, 0, 0);
        frame.Dispose();
        frame.Dispose();

        using var a = pool.Rent(16, 16, PixelFormat.Mono8, 2, 0, 0);
        using var b = pool.Rent(16, 16, PixelFormat.Mono8, 3, 0, 0);

        // Had the buffer gone back twice, two live frames would share it.
        Assert.NotSame(a.Buffer, b.Buffer);
        Assert.Equal(2, pool.Allocations);
    }

    [Fact]
    public void A_disposed_frame_refuses_access_to_its_buffer()
    {
        var pool = new FramePool();
        var frame = pool.Rent(8, 8, PixelFormat.Mono8, 1, 0, 0);
        frame.Dispose();

        Assert.Throws<ObjectDisposedException>(() => frame.Buffer);
    }

    [Fact]
    public void A_larger_request_does_not_get_a_smaller_buffer()
    {
        var pool = new FramePool();
        pool.Rent(8, 8, PixelFormat.Mono8, 1, 0, 0).Dispose();

        using var big = pool.Rent(64, 64, PixelFormat.Rgb8, 2, 0, 0);

        Assert.True(big.Buffer.Length >= 64 * 64 * 3);
        Assert.Equal(2, pool.Allocations);
    }

    [Fact]
    public void Pool_retains_at_most_maxRetained_buffers()
    {
        var pool = new FramePool(maxRetained: 2);
        var frames = Enumerable.Range(0, 4).Select(i => pool.Rent(8, 8, PixelFormat.Mono8, i, 0, 0)).ToList();
        frames.ForEach(f => f.Dispose());
        Assert.Equal(4, pool.Allocations);

        var again = Enumerable.Range(0, 4).Select(i => pool.Rent(8, 8, PixelFormat.Mono8, i, 0, 0)).ToList();

        // Two came back from the pool, two were allocated afresh.
        Assert.Equal(6, pool.Allocations);
        again.ForEach(f => f.Dispose());
    }

    [Fact]
    public void Frame_size_overflow_is_refused()
    {
        var pool = new FramePool();

        Assert.Throws<OverflowException>(() => pool.Rent(100_000, 100_000, PixelFormat.Rgb8, 0, 0, 0));
    }
}
