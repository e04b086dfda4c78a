using EdgeInspector.Core;

namespace EdgeInspector.Imaging.Tests;

public sealed class ModelInputWriterTests : IDisposable
{
    private readonly ModelInputWriter _writer = new();

    public void Dispose() => _writer.Dispose();

    [Theory]
    [InlineData("bilinear")]
    [InlineData("bicubic")]
    [InlineData("area")]
    public void Writes_width_times_height_rgb_bytes_and_nothing_more(string resize)
    {
        using var frame = TestFrames.Solid(64, 48, PixelFormat.Rgb8, 10, 20, 30);
        var destination = new byte[(32 * 24 * 3) + 7];
        Array.Fill(destination, (byte)0xEE);

        _writer.Write(frame, 32, 24, resize, destination);

        Assert.All(destination.Take(32 * 24 * 3).Chunk(3), p => Assert.Equal(new byte[] { 10, 20, 30 }, p));
        Assert.All(destination.Skip(32 * 24 * 3), b => Assert.Equal(0xEE, b));
    }

    [Fact]
    public void Bgr8_frames_arrive_as_rgb()
    {
        using var frame = TestFrames.Solid(40, 40, PixelFormat.Bgr8, 10, 20, 30);
        var destination = new byte[20 * 20 * 3];

        _writer.Write(frame, 20, 20, "area", destination);

        Assert.All(destination.Chunk(3), p => Assert.Equal(new byte[] { 30, 20, 10 }, p));
    }

    [Fact]
    public void Upscaling_fills_the_whole_destination()
    {
        using var frame = TestFrames.Solid(8, 8, PixelFormat.Mono8, 99);
        var destination = new byte[32 * 16 * 3];

        _writer.Write(frame, 32, 16, "bilinear", destination);

        Assert.All(destination, b => Assert.Equal(99, b));
    }

    [Fact]
    public void A_too_small_destination_is_refused()
    {
        using var frame = TestFrames.Solid(16, 16, PixelFormat.Rgb8, 1, 2, 3);

        Assert.Throws<ArgumentOutOfRangeException>(() => _writer.Write(frame, 16, 16, "area", new byte[(16 * 16 * 3) - 1]));
    }

    [Theory]
    [InlineData("bilinear", PixelFormat.BayerRG8)]
    [InlineData("bicubic", PixelFormat.Rgb8)]
    [InlineData("area", PixelFormat.BayerRG8)]
    public void The_region_is_cut_before_conversion_and_reported_back(string resize, PixelFormat format)
    {
        using var whole = TestFrames.SyntheticRgb(640, 480, SyntheticDefect.Crack, seed: 2);
        var rgb = whole.Pixels.ToArray();
        var crop = new byte[320 * 240 * 3];
        for (int y = 0; y < 240; y++)
        {
            rgb.AsSpan((((y + 100) * 640) + 200) * 3, 320 * 3).CopyTo(crop.AsSpan(y * 320 * 3));
        }

        using var frame = Sampled(640, 480, rgb, format);
        using var cropped = Sampled(320, 240, crop, format);
        var fromRegion = new byte[112 * 84 * 3];
        var fromCrop = new byte[fromRegion.Length];
        _writer.Region = new FrameRegion(200, 100, 320, 240);

        var covered = _writer.Write(frame, 112, 84, resize, fromRegion);
        using (var plain = new ModelInputWriter())
        {
            plain.Write(cropped, 112, 84, resize, fromCrop);
        }

        Assert.Equal(new FrameRegion(200, 100, 320, 240), covered);
        Assert.Equal(fromCrop, fromRegion);
    }

    private static Frame Sampled(int width, int height, byte[] rgb, PixelFormat format)
    {
        using var image = OpenCvSharp.Mat.FromPixelData(height, width, OpenCvSharp.MatType.CV_8UC3, rgb);
        return TestFrames.FromBytes(width, height, format, BayerMosaic.Sample(image, format));
    }

    [Fact]
    public void Unknown_resize_is_refused()
    {
        using var frame = TestFrames.Solid(16, 16, PixelFormat.Rgb8, 1, 2, 3);

        Assert.Throws<ArgumentException>(() => _writer.Write(frame, 16, 16, "lanczos", new byte[16 * 16 * 3]));
    }
}
