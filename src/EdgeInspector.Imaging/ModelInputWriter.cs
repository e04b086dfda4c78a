using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Turns a frame into the model's uint8 NHWC RGB input (the ONNX contract: normalisation lives in
/// the graph, so the device CPU only converts and resizes). Owns its scratch image so a stage that
/// holds one allocates nothing per frame.
/// </summary>
public sealed class ModelInputWriter : IDisposable
{
    private readonly Mat _rgb = new();
    private readonly Mat _small = new();

    public void Write(Frame frame, int width, int height, string resize, byte[] destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, width * height * 3, nameof(destination));
        var interpolation = FrameImage.Interpolation(resize);
        using var dst = Mat.FromPixelData(height, width, MatType.CV_8UC3, destination);
        switch (frame.Format)
        {
            case PixelFormat.Rgb8:
            {
                using var src = FrameImage.Wrap(frame);
                Cv2.Resize(src, dst, new Size(width, height), 0, 0, interpolation);
                break;
            }

            case PixelFormat.Bgr8:
            {
                // Resize first, swap channels after: the swap then touches model-size pixels, not the frame's.
                using var src = FrameImage.Wrap(frame);
                Cv2.Resize(src, _small, new Size(width, height), 0, 0, interpolation);
                Cv2.CvtColor(_small, dst, ColorConversionCodes.BGR2RGB);
                break;
            }

            default:
                FrameImage.ToRgb(frame, _rgb);
                Cv2.Resize(_rgb, dst, new Size(width, height), 0, 0, interpolation);
                break;
        }
    }

    public void Dispose()
    {
        _rgb.Dispose();
        _small.Dispose();
    }
}
