using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Samples an RGB image as a GenICam BayerRG8 sensor would see it (R at (0,0), G at (0,1) and
/// (1,0), B at (1,1)): synthetic camera frames for the benchmark and the tests.
/// </summary>
public static class BayerMosaic
{
    /// <summary>An RGB image's pixels as a camera delivering <paramref name="format"/> would send them.</summary>
    public static byte[] Sample(Mat rgb, PixelFormat format)
    {
        var pixels = new byte[rgb.Width * rgb.Height * format.BytesPerPixel()];
        if (format == PixelFormat.BayerRG8)
        {
            FromRgb(rgb, pixels);
            return pixels;
        }

        using var converted = new Mat();
        switch (format)
        {
            case PixelFormat.Bgr8:
                Cv2.CvtColor(rgb, converted, ColorConversionCodes.RGB2BGR);
                break;
            case PixelFormat.Mono8:
                Cv2.CvtColor(rgb, converted, ColorConversionCodes.RGB2GRAY);
                break;
            default:
                rgb.CopyTo(converted);
                break;
        }

        System.Runtime.InteropServices.Marshal.Copy(converted.Data, pixels, 0, pixels.Length);
        return pixels;
    }

    public static unsafe void FromRgb(Mat rgb, Span<byte> destination)
    {
        if (rgb.Type() != MatType.CV_8UC3 || !rgb.IsContinuous())
        {
            throw new ArgumentException("A continuous 8-bit RGB image is required.", nameof(rgb));
        }

        int width = rgb.Width;
        int height = rgb.Height;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, width * height, nameof(destination));
        var pixels = new ReadOnlySpan<byte>((void*)rgb.Data, width * height * 3);
        for (int y = 0; y < height; y++)
        {
            var row = pixels.Slice(y * width * 3, width * 3);
            var mosaic = destination.Slice(y * width, width);
            int even = y % 2 == 0 ? 0 : 1; // channel at even columns: R on even rows, G on odd rows
            int odd = y % 2 == 0 ? 1 : 2;  // at odd columns: G on even rows, B on odd rows
            for (int x = 0; x < width; x++)
            {
                mosaic[x] = row[(3 * x) + (x % 2 == 0 ? even : odd)];
            }
        }
    }
}
