using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>A frame as a full-resolution JPEG (debayered), for snapshots a person looks at.</summary>
public static class FrameJpeg
{
    public static byte[] Encode(Frame frame, int quality = 90)
    {
        using var rgb = new Mat();
        using var bgr = new Mat();
        FrameImage.ToRgb(frame, rgb);
        Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
        return bgr.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, Math.Clamp(quality, 10, 100)));
    }
}
