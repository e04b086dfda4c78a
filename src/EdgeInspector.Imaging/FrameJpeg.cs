using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>A frame as a full-resolution image file (debayered): JPEG for snapshots a person looks at, PNG or JPEG for captured parts.</summary>
public static class FrameJpeg
{
    public static byte[] Encode(Frame frame, int quality = 90)
    {
        using var src = FrameImage.Wrap(frame);
        return Encode(src, frame.Format, ".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, Math.Clamp(quality, 10, 100)));
    }

    /// <summary>Pixels in <paramref name="format"/> (a frame, or a copy of one) encoded as <paramref name="extension"/> (.jpg, .png).</summary>
    public static byte[] Encode(Mat src, PixelFormat format, string extension, params ImageEncodingParam[] parameters)
    {
        using var rgb = new Mat();
        using var bgr = new Mat();
        FrameImage.ToRgb(src, format, rgb);
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        return bgr.ImEncode(extension, parameters);
    }
}
