using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>Views a pooled <see cref="Frame"/> as an OpenCV image and converts it to RGB.</summary>
public static class FrameImage
{
    /// <summary>A Mat header over the frame's pinned buffer (no copy); dispose it before the frame.</summary>
    public static Mat Wrap(Frame frame)
    {
        var type = frame.Format.BytesPerPixel() == 3 ? MatType.CV_8UC3 : MatType.CV_8UC1;
        return Mat.FromPixelData(frame.Height, frame.Width, type, frame.Buffer, frame.Stride);
    }

    /// <summary>
    /// Converts any supported frame to RGB into <paramref name="rgb"/>, reusing its memory when the
    /// size matches. GenICam's BayerRG (R at 0,0) is OpenCV's BayerBG: OpenCV names a mosaic by
    /// the second row's second and third pixels.
    /// </summary>
    public static void ToRgb(Frame frame, Mat rgb)
    {
        using var src = Wrap(frame);
        ToRgb(src, frame.Format, rgb);
    }

    /// <summary>Converts <paramref name="src"/> (a frame or a region of one, in <paramref name="format"/>) to RGB.</summary>
    public static void ToRgb(Mat src, PixelFormat format, Mat rgb)
    {
        switch (format)
        {
            case PixelFormat.Rgb8:
                src.CopyTo(rgb);
                break;
            case PixelFormat.Bgr8:
                Cv2.CvtColor(src, rgb, ColorConversionCodes.BGR2RGB);
                break;
            case PixelFormat.BayerRG8:
                Cv2.CvtColor(src, rgb, ColorConversionCodes.BayerBG2RGB);
                break;
            case PixelFormat.Mono8:
                Cv2.CvtColor(src, rgb, ColorConversionCodes.GRAY2RGB);
                break;
            default:
                throw new NotSupportedException($"Pixel format {format} is not supported.");
        }
    }

    public static InterpolationFlags Interpolation(string resize) => resize switch
    {
        "bilinear" => InterpolationFlags.Linear,
        "bicubic" => InterpolationFlags.Cubic,
        "area" => InterpolationFlags.Area,
        _ => throw new ArgumentException($"Unknown resize method '{resize}'.", nameof(resize)),
    };
}
