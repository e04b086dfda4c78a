using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging.Tests;

public sealed class FrameImageTests
{
    /// <summary>GenICam BayerRG8: R at (0,0), G at (0,1) and (1,0), B at (1,1).</summary>
    private static byte[] BayerRgMosaic(int width, int height, byte r, byte g, byte b)
    {
        var mosaic = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                mosaic[(y * width) + x] = (y % 2, x % 2) switch
                {
                    (0, 0) => r,
                    (1, 1) => b,
                    _ => g,
                };
            }
        }

        return mosaic;
    }

    private static Vec3b At(Mat rgb, int x, int y) => rgb.At<Vec3b>(y, x);

    [Theory]
    [InlineData(255, 0, 0)]
    [InlineData(0, 0, 255)]
    [InlineData(0, 255, 0)]
    public void BayerRG8_mosaic_of_a_solid_colour_debayers_back_to_that_colour(byte r, byte g, byte b)
    {
        const int w = 16;
        const int h = 12;
        using var frame = TestFrames.FromBytes(w, h, PixelFormat.BayerRG8, BayerRgMosaic(w, h, r, g, b));
        using var rgb = new Mat();

        FrameImage.ToRgb(frame, rgb);

        Assert.Equal(w, rgb.Width);
        Assert.Equal(h, rgb.Height);
        Assert.Equal(MatType.CV_8UC3, rgb.Type());
        for (int y = 2; y < h - 2; y++)
        {
            for (int x = 2; x < w - 2; x++)
            {
                var p = At(rgb, x, y);
                Assert.True(Math.Abs(p.Item0 - r) < 16 && Math.Abs(p.Item1 - g) < 16 && Math.Abs(p.Item2 - b) < 16, $"({x},{y}) is RGB({p.Item0},{p.Item1},{p.Item2}), expected RGB({r},{g},{b})");
            }
        }
    }

    [Fact]
    public void Bgr8_to_rgb_swaps_red_and_blue()
    {
        using var frame = TestFrames.Solid(8, 4, PixelFormat.Bgr8, 10, 20, 30);
        using var rgb = new Mat();

        FrameImage.ToRgb(frame, rgb);

        Assert.All(TestFrames.Bytes(rgb).Chunk(3), p => Assert.Equal(new byte[] { 30, 20, 10 }, p));
    }

    [Fact]
    public void Rgb8_is_copied_unchanged()
    {
        var pixels = Enumerable.Range(0, 8 * 4 * 3).Select(i => (byte)i).ToArray();
        using var frame = TestFrames.FromBytes(8, 4, PixelFormat.Rgb8, pixels);
        using var rgb = new Mat();

        FrameImage.ToRgb(frame, rgb);

        Assert.Equal(pixels, TestFrames.Bytes(rgb));
        // A copy, not a view: the frame's buffer can go back to the pool.
        frame.Pixels[0] = 200;
        Assert.Equal(0, TestFrames.Bytes(rgb)[0]);
    }

    [Fact]
    public void Mono8_becomes_grey_rgb()
    {
        using var frame = TestFrames.Solid(8, 4, PixelFormat.Mono8, 77);
        using var rgb = new Mat();

        FrameImage.ToRgb(frame, rgb);

        Assert.Equal(MatType.CV_8UC3, rgb.Type());
        Assert.All(TestFrames.Bytes(rgb), v => Assert.Equal(77, v));
    }

    [Fact]
    public void Wrap_is_a_view_over_the_frame_buffer()
    {
        using var frame = TestFrames.Solid(6, 5, PixelFormat.Rgb8, 1, 2, 3);
        using var mat = FrameImage.Wrap(frame);

        Assert.Equal(6, mat.Width);
        Assert.Equal(5, mat.Height);
        Assert.Equal(MatType.CV_8UC3, mat.Type());
        frame.Pixels[3] = 99;
        Assert.Equal(99, mat.At<Vec3b>(0, 1).Item0);
    }

    [Theory]
    [InlineData("bilinear", InterpolationFlags.Linear)]
    [InlineData("bicubic", InterpolationFlags.Cubic)]
    [InlineData("area", InterpolationFlags.Area)]
    public void Resize_names_map_to_OpenCV_interpolation(string name, InterpolationFlags expected)
    {
        Assert.Equal(expected, FrameImage.Interpolation(name));
    }

    [Fact]
    public void Unknown_resize_name_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => FrameImage.Interpolation("nearest"));

        Assert.Contains("nearest", e.Message, StringComparison.Ordinal);
    }
}
