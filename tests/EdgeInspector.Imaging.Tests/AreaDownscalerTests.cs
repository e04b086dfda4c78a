using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging.Tests;

public sealed class AreaDownscalerTests
{
    private readonly AreaDownscaler _area = new();

    /// <summary>A synthetic part, upscaled to <paramref name="width"/> x <paramref name="height"/> RGB.</summary>
    private static Mat PartRgb(int width, int height, SyntheticDefect defect = SyntheticDefect.Scratch, int seed = 3)
    {
        using var bgr = SyntheticParts.Render(Math.Min(width, 640), Math.Min(height, 480), defect, seed);
        var rgb = new Mat();
        Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
        Cv2.Resize(rgb, rgb, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        return rgb;
    }

    private static Frame Bayer(Mat rgb) => TestFrames.FromBytes(rgb.Width, rgb.Height, PixelFormat.BayerRG8, BayerMosaic.Sample(rgb, PixelFormat.BayerRG8));

    /// <summary>The 2x2-binned half-size RGB image of a BayerRG8 mosaic, computed plainly: the reference for the fused pass.</summary>
    private static Mat Binned(Frame frame)
    {
        int w = frame.Width / 2, h = frame.Height / 2;
        var px = frame.Pixels;
        var rgb = new float[w * h * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int i = (2 * y * frame.Width) + (2 * x);
                rgb[(((y * w) + x) * 3) + 0] = px[i];
                rgb[(((y * w) + x) * 3) + 1] = (px[i + 1] + px[i + frame.Width]) / 2f;
                rgb[(((y * w) + x) * 3) + 2] = px[i + frame.Width + 1];
            }
        }

        using var view = Mat.FromPixelData(h, w, MatType.CV_32FC3, rgb);
        return view.Clone();
    }

    private static (int Max, double Mean) Difference(Mat expected, byte[] actual, int width, int height)
    {
        using var actualMat = Mat.FromPixelData(height, width, MatType.CV_8UC3, actual);
        using var e = new Mat();
        expected.ConvertTo(e, MatType.CV_32FC3);
        using var a = new Mat();
        actualMat.ConvertTo(a, MatType.CV_32FC3);
        using var diff = new Mat();
        Cv2.Absdiff(e, a, diff);
        diff.MinMaxLoc(out double _, out double max);
        var mean = Cv2.Mean(diff);
        return ((int)Math.Ceiling(max - 1e-3), (mean.Val0 + mean.Val1 + mean.Val2) / 3);
    }

    [Fact]
    public void Bayer_phase_R_at_the_origin_reads_back_as_red_green_and_blue()
    {
        // R=200, G=100, B=30 in GenICam BayerRG order; a swapped phase would give blue 200 or green from R.
        var mosaic = new byte[64 * 48];
        for (int y = 0; y < 48; y++)
        {
            for (int x = 0; x < 64; x++)
            {
                mosaic[(y * 64) + x] = (y % 2, x % 2) switch { (0, 0) => 200, (1, 1) => 30, _ => 100 };
            }
        }

        using var frame = TestFrames.FromBytes(64, 48, PixelFormat.BayerRG8, mosaic);
        var rgb = new byte[10 * 7 * 3];

        _area.Reduce(frame, FrameRegion.Empty, 10, 7, rgb);

        Assert.All(rgb.Chunk(3), p => Assert.Equal(new byte[] { 200, 100, 30 }, p));
    }

    [Fact]
    public void A_Bayer_region_with_odd_corners_keeps_the_phase()
    {
        var mosaic = new byte[64 * 48];
        for (int i = 0; i < mosaic.Length; i++)
        {
            int y = i / 64, x = i % 64;
            mosaic[i] = (y % 2, x % 2) switch { (0, 0) => 200, (1, 1) => 30, _ => 100 };
        }

        using var frame = TestFrames.FromBytes(64, 48, PixelFormat.BayerRG8, mosaic);
        var rgb = new byte[8 * 8 * 3];

        _area.Reduce(frame, new FrameRegion(7, 5, 33, 31), 8, 8, rgb);

        Assert.All(rgb.Chunk(3), p => Assert.Equal(new byte[] { 200, 100, 30 }, p));
    }

    [Theory]
    [InlineData(1368, 722, 224, 224)]
    [InlineData(4096, 2160, 224, 224)]
    [InlineData(1000, 1000, 333, 100)]
    public void Bayer_equals_opencv_area_resize_of_the_binned_image_within_one_grey_level(int width, int height, int outW, int outH)
    {
        using var rgb = PartRgb(width, height);
        using var frame = Bayer(rgb);
        using var binned = Binned(frame);

        AssertAreaWithinOneGreyLevel(binned, frame, outW, outH);
    }

    private void AssertAreaWithinOneGreyLevel(Mat converted, Frame frame, int outW, int outH)
    {
        using var reference = new Mat();
        Cv2.Resize(converted, reference, new Size(outW, outH), 0, 0, InterpolationFlags.Area);
        var actual = new byte[outW * outH * 3];

        _area.Reduce(frame, FrameRegion.Empty, outW, outH, actual);

        var (max, _) = Difference(reference, actual, outW, outH);
        Assert.True(max <= 1, $"max difference {max} grey levels");
    }

    [Fact]
    public void Bayer_agrees_with_opencv_debayer_then_area_resize_on_a_full_sensor_frame()
    {
        // The reference the issue names: OpenCV's demosaic of the whole frame, then INTER_AREA. Binning
        // differs from interpolation only at the mosaic's finest detail, which an 18x reduction averages away.
        using var rgb = PartRgb(4096, 2160);
        using var frame = Bayer(rgb);
        using var debayered = new Mat();
        FrameImage.ToRgb(frame, debayered);
        using var reference = new Mat();
        Cv2.Resize(debayered, reference, new Size(224, 224), 0, 0, InterpolationFlags.Area);
        var actual = new byte[224 * 224 * 3];

        _area.Reduce(frame, FrameRegion.Empty, 224, 224, actual);

        var (max, mean) = Difference(reference, actual, 224, 224);
        Assert.True(mean <= 1.0 && max <= 3, $"mean {mean:0.00}, max {max} grey levels");
    }

    [Theory]
    [InlineData(PixelFormat.Rgb8, 1368, 722, 224, 224)]
    [InlineData(PixelFormat.Rgb8, 640, 480, 224, 224)]
    [InlineData(PixelFormat.Bgr8, 999, 701, 160, 120)]
    [InlineData(PixelFormat.Mono8, 4096, 2160, 224, 224)]
    public void Rgb_bgr_and_mono_equal_opencv_area_resize_within_one_grey_level(PixelFormat format, int width, int height, int outW, int outH)
    {
        using var rgb = PartRgb(width, height, SyntheticDefect.Crack, seed: 11);
        using var frame = TestFrames.FromBytes(width, height, format, BayerMosaic.Sample(rgb, format));
        using var converted = new Mat();
        FrameImage.ToRgb(frame, converted);

        AssertAreaWithinOneGreyLevel(converted, frame, outW, outH);
    }

    [Theory]
    [InlineData(PixelFormat.Rgb8)]
    [InlineData(PixelFormat.BayerRG8)]
    public void A_region_reads_as_the_same_frame_cropped(PixelFormat format)
    {
        using var rgb = PartRgb(800, 600);
        var region = new FrameRegion(120, 88, 500, 400);
        using var crop = new Mat(rgb, new Rect(region.X, region.Y, region.Width, region.Height)).Clone();
        using var whole = format == PixelFormat.BayerRG8 ? Bayer(rgb) : TestFrames.FromBytes(800, 600, format, TestFrames.Bytes(rgb));
        using var cropped = format == PixelFormat.BayerRG8 ? Bayer(crop) : TestFrames.FromBytes(500, 400, format, TestFrames.Bytes(crop));
        var fromRegion = new byte[100 * 80 * 3];
        var fromCrop = new byte[100 * 80 * 3];

        _area.Reduce(whole, region, 100, 80, fromRegion);
        new AreaDownscaler().Reduce(cropped, FrameRegion.Empty, 100, 80, fromCrop);

        Assert.Equal(fromCrop, fromRegion);
    }

    [Fact]
    public void Growing_is_refused()
    {
        using var frame = TestFrames.Solid(100, 100, PixelFormat.BayerRG8, 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => _area.Reduce(frame, FrameRegion.Empty, 64, 64, new byte[64 * 64 * 3]));
    }

    [Theory]
    [InlineData(PixelFormat.BayerRG8, 4096, 2160, 224, 224)]
    [InlineData(PixelFormat.BayerRG8, 1000, 700, 160, 121)] // odd output height: the bands split 60 / 61
    [InlineData(PixelFormat.Rgb8, 1368, 722, 224, 224)]
    [InlineData(PixelFormat.Bgr8, 999, 701, 160, 120)]
    [InlineData(PixelFormat.Mono8, 4096, 2160, 224, 3)]
    public void Two_bands_give_the_same_bytes_as_one(PixelFormat format, int width, int height, int outW, int outH)
    {
        using var rgb = PartRgb(width, height, SyntheticDefect.Crack, seed: 5);
        using var frame = TestFrames.FromBytes(width, height, format, BayerMosaic.Sample(rgb, format));
        var region = new FrameRegion(8, 6, width - 40, height - 30);
        var one = new byte[outW * outH * 3];
        var two = new byte[outW * outH * 3];
        var banded = new AreaDownscaler(bands: 2);

        for (int i = 0; i < 3; i++) // again and again: the second band's buffers are reused
        {
            _area.Reduce(frame, region, outW, outH, one);
            Array.Clear(two);
            banded.Reduce(frame, region, outW, outH, two);
            Assert.Equal(one, two);
        }

        Assert.Equal(2, banded.Bands);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AreaDownscaler(bands: 3));
    }

    [Theory]
    [InlineData(PixelFormat.BayerRG8, 1)]
    [InlineData(PixelFormat.Rgb8, 1)]
    [InlineData(PixelFormat.Mono8, 1)]
    [InlineData(PixelFormat.BayerRG8, 2)]
    public void A_full_sensor_frame_to_model_input_allocates_nothing_per_frame(PixelFormat format, int bands)
    {
        using var frame = TestFrames.Solid(4096, 2160, format, 90, 120, 150);
        using var writer = new ModelInputWriter(bands) { Region = new FrameRegion(16, 8, 4000, 2100) };
        var input = new byte[224 * 224 * 3];
        writer.Write(frame, 224, 224, "area", input); // first call builds the tables

        // This thread's bytes, exactly. With two bands the second half runs on a pool thread into
        // buffers built with the tables (Two_bands_give_the_same_bytes_as_one reuses them); the
        // process-wide count is no check here, the test runner allocates meanwhile.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            writer.Write(frame, 224, 224, "area", input);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
