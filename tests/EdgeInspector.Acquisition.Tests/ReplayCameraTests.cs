using System.Buffers.Binary;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Acquisition.Tests;

/// <summary>
/// Issue #13 finding 6: a bad file in a replay folder is one ERROR part naming the file, never a
/// refused start or a line that stops, and an image too large to decode safely is refused from
/// its header.
/// </summary>
public sealed class ReplayCameraTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly FramePool _pool = new();

    public void Dispose() => _folder.Dispose();

    private void WriteParts(int count, int width = 64, int height = 48)
    {
        using var image = new Mat(height, width, MatType.CV_8UC3, new Scalar(90, 120, 150));
        for (int i = 0; i < count; i++)
        {
            Cv2.ImWrite(_folder.Combine($"part-{i:D2}.png"), image);
        }
    }

    /// <summary>Captures <paramref name="count"/> parts: a frame's width, or the CameraException's message.</summary>
    private static async Task<List<string>> CaptureAsync(ReplayCamera camera, int count)
    {
        var results = new List<string>();
        for (int i = 0; i < count; i++)
        {
            try
            {
                using var frame = await camera.CaptureAsync(CancellationToken.None);
                results.Add(frame is null ? "end" : frame.Width.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (CameraException e)
            {
                results.Add(e.Message);
            }
        }

        return results;
    }

    [Theory]
    [InlineData(256L << 20)] // the folder fits the cache: decoded once at start
    [InlineData(0L)]         // decoded per frame
    public async Task A_truncated_png_is_one_error_part_naming_the_file_and_the_rest_plays(long cacheBytes)
    {
        WriteParts(3);
        byte[] whole = File.ReadAllBytes(_folder.Combine("part-01.png"));
        File.WriteAllBytes(_folder.Combine("part-01.png"), whole[..(whole.Length / 2)]);
        await using var camera = new ReplayCamera(new ReplayOptions { Path = _folder.Path, Fps = 0, CacheBytes = cacheBytes }, _pool);

        await camera.OpenAsync(CancellationToken.None);
        var parts = await CaptureAsync(camera, 6);

        Assert.Equal("64", parts[0]);
        Assert.Contains("part-01.png", parts[1], StringComparison.Ordinal);
        Assert.Contains("cannot be decoded", parts[1], StringComparison.Ordinal);
        Assert.Equal(["64", "64", "64"], [parts[2], parts[3], parts[5]]);
        Assert.Contains("part-01.png", parts[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_where_no_image_decodes_refuses_to_start()
    {
        File.WriteAllBytes(_folder.Combine("broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        await using var camera = new ReplayCamera(new ReplayOptions { Path = _folder.Path, Fps = 0 }, _pool);

        var e = await Assert.ThrowsAsync<CameraException>(() => camera.OpenAsync(CancellationToken.None).AsTask());
        Assert.Contains("broken.png", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(256L << 20)]
    [InlineData(0L)]
    public async Task An_image_over_MaxPixels_is_an_error_part_naming_its_size_and_the_key(long cacheBytes)
    {
        WriteParts(2);
        WriteParts(1, width: 200, height: 100); // part-00.png: 20000 pixels
        await using var camera = new ReplayCamera(new ReplayOptions { Path = _folder.Path, Fps = 0, CacheBytes = cacheBytes, MaxPixels = 10_000 }, _pool);

        await camera.OpenAsync(CancellationToken.None);
        var parts = await CaptureAsync(camera, 2);

        Assert.Contains("part-00.png", parts[0], StringComparison.Ordinal);
        Assert.Contains("200x100", parts[0], StringComparison.Ordinal);
        Assert.Contains("Camera:Replay:MaxPixels", parts[0], StringComparison.Ordinal);
        Assert.Equal("64", parts[1]);
    }

    [Fact]
    public async Task A_huge_png_is_refused_from_its_header_without_decoding_it()
    {
        WriteParts(2);
        // A PNG whose header claims 20000 x 20000 (400 MP, 1.2 GB decoded): refused from the header
        // by the default limit before OpenCV allocates anything.
        byte[] png = File.ReadAllBytes(_folder.Combine("part-00.png"));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 20000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 20000);
        File.WriteAllBytes(_folder.Combine("part-00.png"), png);
        await using var camera = new ReplayCamera(new ReplayOptions { Path = _folder.Path, Fps = 0 }, _pool);

        await camera.OpenAsync(CancellationToken.None);
        var parts = await CaptureAsync(camera, 2);

        Assert.Contains("20000x20000", parts[0], StringComparison.Ordinal);
        Assert.Contains("Camera:Replay:MaxPixels", parts[0], StringComparison.Ordinal);
        Assert.Equal("64", parts[1]);
    }
}
