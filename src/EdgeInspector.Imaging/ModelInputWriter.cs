using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Turns a frame into the model's uint8 NHWC RGB input (the ONNX contract: normalisation lives in
/// the graph, so the device CPU only converts and resizes). Owns its scratch image so a stage that
/// holds one allocates nothing per frame.
/// </summary>
/// <remarks>
/// The region of interest is cut from the raw frame before any conversion. With the <c>area</c>
/// resize a shrinking frame goes through <see cref="AreaDownscaler"/>: one pass over the region's
/// raw bytes (a Bayer mosaic binned 2x2 on the way), no full-resolution RGB image, a cost that
/// does not depend on the scale factor; it agrees with OpenCV's <c>INTER_AREA</c> (what the
/// trainer and <c>eval</c> call "area") within one grey level. Bilinear and bicubic models keep
/// OpenCV's resize of the converted region, as their trainer did.
/// </remarks>
public sealed class ModelInputWriter(int bands = 1) : IDisposable
{
    private readonly Mat _rgb = new();
    private readonly Mat _small = new();
    private readonly AreaDownscaler _area = new(bands);

    /// <summary>Host-side region of interest in frame pixels; empty (default) = the whole frame.</summary>
    public FrameRegion Region { get; set; }

    /// <summary>Writes the model input and returns the frame region it covers (the ROI clipped to the frame, even-cornered for Bayer).</summary>
    public FrameRegion Write(Frame frame, int width, int height, string resize, byte[] destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, width * height * 3, nameof(destination));
        var interpolation = FrameImage.Interpolation(resize);
        var roi = Region.Within(frame.Width, frame.Height, even: frame.Format == PixelFormat.BayerRG8);
        if (interpolation == InterpolationFlags.Area && AreaDownscaler.Shrinks(frame.Format, roi, width, height))
        {
            _area.Reduce(frame, roi, width, height, destination);
            return roi;
        }

        using var dst = Mat.FromPixelData(height, width, MatType.CV_8UC3, destination);
        using var whole = FrameImage.Wrap(frame);
        using var src = roi.Width == frame.Width && roi.Height == frame.Height ? whole : new Mat(whole, new Rect(roi.X, roi.Y, roi.Width, roi.Height));
        switch (frame.Format)
        {
            case PixelFormat.Rgb8:
                Cv2.Resize(src, dst, new Size(width, height), 0, 0, interpolation);
                break;

            case PixelFormat.Bgr8:
                // Resize first, swap channels after: the swap then touches model-size pixels, not the frame's.
                Cv2.Resize(src, _small, new Size(width, height), 0, 0, interpolation);
                Cv2.CvtColor(_small, dst, ColorConversionCodes.BGR2RGB);
                break;

            default:
                FrameImage.ToRgb(src, frame.Format, _rgb);
                Cv2.Resize(_rgb, dst, new Size(width, height), 0, 0, interpolation);
                break;
        }

        return roi;
    }

    public void Dispose()
    {
        _rgb.Dispose();
        _small.Dispose();
    }
}
