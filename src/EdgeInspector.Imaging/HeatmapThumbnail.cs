using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Renders the review thumbnail: the part image with the anomaly map blended over it as a
/// heat map and the defect regions boxed, JPEG-encoded under a byte budget.
/// </summary>
public sealed class HeatmapThumbnail : IDisposable
{
    private readonly Mat _rgb = new();
    private readonly Mat _small = new();
    private readonly Mat _heat8 = new();
    private readonly Mat _heat8x3 = new();
    private readonly Mat _jet = JetLookup();
    private readonly Mat _heatColor = new();
    private readonly Mat _heatSized = new();
    private readonly Mat _blend = new();
    private readonly int _width;
    private readonly int _maxBytes;
    private readonly int _quality;

    public HeatmapThumbnail(int width = 320, int maxBytes = 128 * 1024, int quality = 80)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 32);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 4096);
        _width = width;
        _maxBytes = maxBytes;
        _quality = Math.Clamp(quality, 10, 100);
    }

    public byte[] Render(Frame frame, float[]? map, int mapWidth, int mapHeight, IReadOnlyList<DefectRegion> regions)
    {
        int height = Math.Max(1, (int)Math.Round((double)frame.Height * _width / frame.Width));
        if (frame.Format == PixelFormat.Bgr8)
        {
            using var bgr = FrameImage.Wrap(frame);
            Cv2.Resize(bgr, _small, new Size(_width, height), 0, 0, InterpolationFlags.Area);
        }
        else
        {
            FrameImage.ToRgb(frame, _rgb);
            Cv2.Resize(_rgb, _small, new Size(_width, height), 0, 0, InterpolationFlags.Area);
            Cv2.CvtColor(_small, _small, ColorConversionCodes.RGB2BGR);
        }
        if (map is not null)
        {
            using var mapMat = Mat.FromPixelData(mapHeight, mapWidth, MatType.CV_32FC1, map);
            mapMat.ConvertTo(_heat8, MatType.CV_8UC1, 255.0);
            Cv2.CvtColor(_heat8, _heat8x3, ColorConversionCodes.GRAY2BGR);
            Cv2.LUT(_heat8x3, _jet, _heatColor);
            Cv2.Resize(_heatColor, _heatSized, new Size(_width, height), 0, 0, InterpolationFlags.Linear);
            Cv2.AddWeighted(_small, 0.6, _heatSized, 0.4, 0, _blend);
        }
        else
        {
            _small.CopyTo(_blend);
        }

        double s = (double)_width / frame.Width;
        foreach (var r in regions)
        {
            var box = new Rect((int)(r.X * s), (int)(r.Y * s), Math.Max(1, (int)(r.W * s)), Math.Max(1, (int)(r.H * s)));
            Cv2.Rectangle(_blend, box, Scalar.White, 1);
        }

        return Encode(_blend);
    }

    /// <summary>
    /// The JET colour map as a 256-entry lookup table: applyColorMap rebuilds its table on every
    /// call (~8 ms on a 224 px map), a LUT lookup costs microseconds.
    /// </summary>
    private static Mat JetLookup()
    {
        using var ramp = new Mat(1, 256, MatType.CV_8UC1);
        for (int i = 0; i < 256; i++)
        {
            ramp.Set(0, i, (byte)i);
        }

        var lut = new Mat();
        Cv2.ApplyColorMap(ramp, lut, ColormapTypes.Jet);
        return lut;
    }

    private byte[] Encode(Mat image)
    {
        for (int quality = _quality; ; quality -= 15)
        {
            byte[] jpeg = image.ImEncode(".jpg", new ImageEncodingParam(ImwriteFlags.JpegQuality, Math.Max(quality, 5)));
            if (jpeg.Length <= _maxBytes || quality <= 5)
            {
                return jpeg.Length <= _maxBytes
                    ? jpeg
                    : throw new InvalidOperationException($"Thumbnail is {jpeg.Length} bytes at the lowest JPEG quality, over the {_maxBytes}-byte limit: lower Thumbnail:Width.");
            }
        }
    }

    public void Dispose()
    {
        _rgb.Dispose();
        _small.Dispose();
        _heat8.Dispose();
        _heat8x3.Dispose();
        _jet.Dispose();
        _heatColor.Dispose();
        _heatSized.Dispose();
        _blend.Dispose();
    }
}
