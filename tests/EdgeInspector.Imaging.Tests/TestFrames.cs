using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging.Tests;

internal static class TestFrames
{
    private static readonly FramePool Pool = new();

    public static Frame FromBytes(int width, int height, PixelFormat format, ReadOnlySpan<byte> pixels)
    {
        var frame = Pool.Rent(width, height, format, 1, 0, 0);
        pixels.CopyTo(frame.Pixels);
        return frame;
    }

    public static Frame Solid(int width, int height, PixelFormat format, params byte[] pixel)
    {
        var frame = Pool.Rent(width, height, format, 1, 0, 0);
        var span = frame.Pixels;
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = pixel[i % pixel.Length];
        }

        return frame;
    }

    /// <summary>A continuous 8-bit image's bytes.</summary>
    public static byte[] Bytes(Mat image)
    {
        Assert.True(image.IsContinuous());
        var bytes = new byte[image.Total() * image.ElemSize()];
        System.Runtime.InteropServices.Marshal.Copy(image.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>A frame holding a rendered synthetic part, as RGB.</summary>
    public static Frame SyntheticRgb(int width, int height, SyntheticDefect defect, int seed)
    {
        using var bgr = SyntheticParts.Render(width, height, defect, seed);
        using var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        return FromBytes(width, height, PixelFormat.Rgb8, Bytes(rgb));
    }
}
