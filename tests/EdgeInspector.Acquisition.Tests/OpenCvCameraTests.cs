using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Acquisition.Tests;

/// <summary>OpenCvCamera against a small MJPG/AVI video written here with OpenCV's VideoWriter.</summary>
public sealed class OpenCvCameraTests : IDisposable
{
    private const int Width = 160;
    private const int Height = 120;
    private const int FrameCount = 12;

    private readonly string _directory = Directory.CreateTempSubdirectory("opencv-camera-tests-").FullName;
    private readonly FramePool _pool = new();

    public OpenCvCameraTests()
    {
        VideoPath = Path.Combine(_directory, "parts.avi");
        using var writer = new VideoWriter(VideoPath, FourCC.MJPG, 10, new Size(Width, Height));
        Assert.True(writer.IsOpened(), "OpenCV's VideoWriter cannot write MJPG/AVI here");
        using var image = new Mat(Height, Width, MatType.CV_8UC3);
        for (int i = 0; i < FrameCount; i++)
        {
            // A bright bar that moves one step per frame over a mid-grey field.
            image.SetTo(new Scalar(90, 90, 90));
            Cv2.Rectangle(image, new Rect(i * 10, 20, 20, 80), new Scalar(40, 200, 250), -1);
            writer.Write(image);
        }
    }

    private string VideoPath { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static int BarColumn(Frame frame)
    {
        // Row 60, the first pixel whose red channel (BGR) is bright.
        int row = 60 * frame.Width * 3;
        for (int x = 0; x < frame.Width; x++)
        {
            if (frame.Pixels[row + (x * 3) + 2] > 200)
            {
                return x;
            }
        }

        return -1;
    }

    [Fact]
    public async Task A_video_file_delivers_every_frame_as_bgr8_then_ends()
    {
        await using var camera = new OpenCvCamera(new OpenCvCameraOptions { Source = VideoPath }, _pool);
        await camera.OpenAsync(CancellationToken.None);
        Assert.True(camera.IsConnected);
        Assert.Equal("opencv", camera.Backend);
        Assert.Contains($"{Width}x{Height}", camera.Description, StringComparison.Ordinal);

        for (int i = 0; i < FrameCount; i++)
        {
            using var frame = await camera.CaptureAsync(CancellationToken.None);
            Assert.NotNull(frame);
            Assert.Equal((Width, Height, PixelFormat.Bgr8, (long)i), (frame.Width, frame.Height, frame.Format, frame.CameraFrameId));
            Assert.InRange(BarColumn(frame), (i * 10) - 2, (i * 10) + 2);
        }

        Assert.Null(await camera.CaptureAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Frames_come_from_the_pool_so_a_warm_loop_allocates_nothing()
    {
        await using var camera = new OpenCvCamera(new OpenCvCameraOptions { Source = VideoPath, Api = OpenCvCaptureApi.FFmpeg }, _pool);
        await camera.OpenAsync(CancellationToken.None);
        (await camera.CaptureAsync(CancellationToken.None))!.Dispose();
        long warm = _pool.Allocations;

        for (int i = 1; i < FrameCount; i++)
        {
            (await camera.CaptureAsync(CancellationToken.None))!.Dispose();
        }

        Assert.Equal(warm, _pool.Allocations);
    }

    [Fact]
    public async Task A_stream_that_stops_is_a_lost_camera_and_reopen_resumes()
    {
        // A URL is not a file: when it stops delivering, the camera is lost, not finished.
        await using var camera = new OpenCvCamera(new OpenCvCameraOptions { Source = "file://" + VideoPath, Api = OpenCvCaptureApi.FFmpeg, TimeoutMs = 2000 }, _pool);
        await camera.OpenAsync(CancellationToken.None);
        for (int i = 0; i < FrameCount; i++)
        {
            (await camera.CaptureAsync(CancellationToken.None))!.Dispose();
        }

        var lost = await Assert.ThrowsAsync<CameraException>(() => camera.CaptureAsync(CancellationToken.None).AsTask());
        Assert.True(lost.Disconnected, lost.Message);
        Assert.False(camera.IsConnected);
        var again = await Assert.ThrowsAsync<CameraException>(() => camera.CaptureAsync(CancellationToken.None).AsTask());
        Assert.True(again.Disconnected);

        await camera.OpenAsync(CancellationToken.None);

        using var frame = await camera.CaptureAsync(CancellationToken.None);
        Assert.NotNull(frame);
        Assert.Equal(0, frame.CameraFrameId);
        Assert.True(camera.IsConnected);
    }

    [Fact]
    public async Task A_missing_source_fails_the_open_with_the_key_to_fix()
    {
        await using var camera = new OpenCvCamera(new OpenCvCameraOptions { Source = Path.Combine(_directory, "none.avi") }, _pool);

        var error = await Assert.ThrowsAsync<CameraException>(() => camera.OpenAsync(CancellationToken.None).AsTask());

        Assert.Contains("Camera:OpenCv:Source", error.Message, StringComparison.Ordinal);
        Assert.Contains("no such file or device", error.Message, StringComparison.Ordinal);
        Assert.False(camera.IsConnected);
    }

    [Fact]
    public async Task A_device_index_that_does_not_exist_names_the_device()
    {
        await using var camera = new OpenCvCamera(new OpenCvCameraOptions { Source = "57", Api = OpenCvCaptureApi.V4L2 }, _pool);

        var error = await Assert.ThrowsAsync<CameraException>(() => camera.OpenAsync(CancellationToken.None).AsTask());

        Assert.Contains("no video device 57", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_are_validated_by_the_generated_validator()
    {
        var ok = new OpenCvCameraOptionsValidator().Validate(null, new OpenCvCameraOptions());
        var bad = new OpenCvCameraOptionsValidator().Validate(null, new OpenCvCameraOptions { Source = "", Width = -1, Fps = -1, TimeoutMs = 0 });

        Assert.True(ok.Succeeded);
        string failures = string.Join("\n", bad.Failures!);
        foreach (string name in new[] { "Source", "Width", "Fps", "TimeoutMs" })
        {
            Assert.Contains(name, failures, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(OpenCvCaptureApi.Any, VideoCaptureAPIs.ANY)]
    [InlineData(OpenCvCaptureApi.V4L2, VideoCaptureAPIs.V4L2)]
    [InlineData(OpenCvCaptureApi.GStreamer, VideoCaptureAPIs.GSTREAMER)]
    [InlineData(OpenCvCaptureApi.FFmpeg, VideoCaptureAPIs.FFMPEG)]
    public void Api_option_maps_to_opencv(OpenCvCaptureApi api, VideoCaptureAPIs expected) =>
        Assert.Equal(expected, OpenCvCamera.ToApi(api));
}
