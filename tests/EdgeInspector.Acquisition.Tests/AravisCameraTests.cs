using System.Diagnostics;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using Xunit.Abstractions;

namespace EdgeInspector.Acquisition.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FakeCameraCollection
{
    // One fake camera at a time: it owns UDP port 3956 on 127.0.0.1.
    public const string Name = "Aravis fake GigE camera";
}

/// <summary>AravisCamera against Aravis' real GenICam stack and its fake GigE Vision camera.</summary>
[Collection(FakeCameraCollection.Name)]
public sealed class AravisCameraTests : IDisposable
{
    private readonly FakeGigECamera _fake = new();
    private readonly FramePool _pool = new();
    private readonly ITestOutputHelper _output;

    public AravisCameraTests(ITestOutputHelper output)
    {
        _output = output;
        Assert.True(FakeGigECamera.Installed, $"{FakeGigECamera.Executable} is missing: apt-get install aravis-tools libaravis-0.8-0");
        _fake.Start();
    }

    public void Dispose() => _fake.Dispose();

    private static AravisOptions FakeOptions(Action<AravisOptions>? change = null)
    {
        var options = new AravisOptions
        {
            DeviceId = FakeGigECamera.Address,
            PixelFormat = "Mono8",
            Width = 256,
            Height = 192,
            FrameRate = 200,
            TimeoutMs = 1000,
            BufferCount = 8,
        };
        change?.Invoke(options);
        return options;
    }

    /// <summary>The fake camera binds its socket asynchronously after start: retry the open briefly.</summary>
    private static async Task OpenWithRetryAsync(AravisCamera camera)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await camera.OpenAsync(CancellationToken.None);
                return;
            }
            catch (CameraException) when (stopwatch.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(200);
            }
        }
    }

    private async Task<CameraException> OpenFailsAsync(AravisOptions options)
    {
        await using var camera = new AravisCamera(options, new FramePool());
        var error = await Assert.ThrowsAsync<CameraException>(() => camera.OpenAsync(CancellationToken.None).AsTask());
        Assert.False(camera.IsConnected);
        _output.WriteLine(error.Message);
        return error;
    }

    [Fact]
    public void Discover_lists_the_fake_camera_with_its_id_serial_and_address()
    {
        var devices = AravisCamera.Discover();

        var fake = Assert.Single(devices, d => d.Serial == _fake.Serial);
        Assert.Equal(FakeGigECamera.Address, fake.Address);
        Assert.Contains(_fake.Serial, fake.Id, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_by_device_id_sets_every_feature_and_reads_it_back()
    {
        string id = Assert.Single(AravisCamera.Discover(), d => d.Serial == _fake.Serial).Id;
        var options = FakeOptions(o =>
        {
            o.DeviceId = id;
            o.PixelFormat = "BayerRG8";
            o.Width = 320;
            o.Height = 240;
            o.OffsetX = 16;
            o.OffsetY = 8;
            o.ExposureUs = 5000;
            o.Gain = 2;
            o.FrameRate = 50;
            o.Trigger = CameraTrigger.Software;
        });
        await using var camera = new AravisCamera(options, _pool);

        await OpenWithRetryAsync(camera);

        var s = camera.Settings!;
        Assert.Equal("BayerRG8", s.PixelFormat);
        Assert.Equal((16, 8, 320, 240), (s.OffsetX, s.OffsetY, s.Width, s.Height));
        Assert.Equal(5000, s.ExposureUs!.Value, 0.5);
        Assert.Equal(2, s.Gain!.Value, 0.01);
        Assert.Equal(50, s.FrameRate!.Value, 0.5);
        Assert.Equal(("On", "Software", "RisingEdge"), (s.TriggerMode, s.TriggerSource, s.TriggerActivation));
        Assert.True(camera.IsConnected);
        Assert.Equal("aravis", camera.Backend);

        // The shared GenICam base wrote the shared plan (the Spinnaker backends' too), in its order, read back.
        Assert.IsAssignableFrom<GenICamCamera>(camera);
        Assert.Equal(
            GenICamNodePlan.For(options).Where(w => w.Map == NodeMapKind.Device).Select(w => w.Node == "ExposureTime" ? "ExposureTimeAbs" : w.Node == "Gain" ? "GainRaw" : w.Node).Where(n => !s.Skipped.Contains(n)),
            s.Applied.Select(a => a[..a.IndexOf('=', StringComparison.Ordinal)]));
        Assert.Contains("PixelFormat=BayerRG8", s.Applied);
        var applied = s.Applied.ToList();
        Assert.True(applied.IndexOf("Width=320") < applied.LastIndexOf("OffsetX=16"), "offsets move the region after its size is set");
        Assert.Contains("StreamBufferCountManual", s.Skipped);

        long previous = -1;
        for (int i = 0; i < 3; i++)
        {
            using var frame = await camera.CaptureAsync(CancellationToken.None);
            Assert.NotNull(frame);
            Assert.Equal((320, 240, PixelFormat.BayerRG8), (frame.Width, frame.Height, frame.Format));
            Assert.True(frame.CameraFrameId > previous);
            previous = frame.CameraFrameId;
        }
    }

    [Fact]
    public async Task Free_run_delivers_over_100_frames_with_increasing_ids()
    {
        await using var camera = new AravisCamera(FakeOptions(), _pool);
        await OpenWithRetryAsync(camera);
        Assert.Equal(("Off", 256, 192), (camera.Settings!.TriggerMode, camera.Settings.Width, camera.Settings.Height));

        var stopwatch = Stopwatch.StartNew();
        long previous = -1;
        long firstTimestamp = 0;
        long lastTimestamp = 0;
        bool sawContent = false;
        for (int i = 0; i < 120; i++)
        {
            using var frame = await camera.CaptureAsync(CancellationToken.None);
            Assert.NotNull(frame);
            Assert.Equal((256, 192, PixelFormat.Mono8, 256 * 192), (frame.Width, frame.Height, frame.Format, frame.Length));
            Assert.True(frame.CameraFrameId > previous, $"frame id {frame.CameraFrameId} after {previous}");
            previous = frame.CameraFrameId;
            firstTimestamp = i == 0 ? frame.CameraTimestampNs : firstTimestamp;
            lastTimestamp = frame.CameraTimestampNs;
            sawContent |= frame.Pixels.IndexOfAnyExcept(frame.Pixels[0]) >= 0;
        }

        Assert.True(sawContent, "the fake camera's frames carry its test pattern, not a blank buffer");
        Assert.True(lastTimestamp > firstTimestamp, "camera timestamps advance");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(20), $"120 frames at 200 fps took {stopwatch.Elapsed}");
        Assert.True(camera.Dropped <= 5, $"{camera.Dropped} frames dropped on loopback");
    }

    [Fact]
    public async Task A_killed_camera_reports_disconnected_and_reopen_resumes_acquisition()
    {
        await using var camera = new AravisCamera(FakeOptions(), _pool);
        await OpenWithRetryAsync(camera);
        for (int i = 0; i < 10; i++)
        {
            (await camera.CaptureAsync(CancellationToken.None))!.Dispose();
        }

        _fake.Kill();
        var stopwatch = Stopwatch.StartNew();
        CameraException? lost = null;
        for (int i = 0; i < 20 && lost is null; i++)
        {
            try
            {
                // Frames already queued in the stream may still come out first.
                (await camera.CaptureAsync(CancellationToken.None))!.Dispose();
            }
            catch (CameraException e)
            {
                lost = e;
            }
        }

        Assert.NotNull(lost);
        _output.WriteLine($"{stopwatch.ElapsedMilliseconds} ms after the kill: {lost.Message}");
        Assert.True(lost.Disconnected, lost.Message);
        Assert.Contains("1000 ms", lost.Message, StringComparison.Ordinal);
        Assert.False(camera.IsConnected);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"the loss took {stopwatch.Elapsed} to surface");
        var again = await Assert.ThrowsAsync<CameraException>(() => camera.CaptureAsync(CancellationToken.None).AsTask());
        Assert.True(again.Disconnected);

        _fake.Start();
        await OpenWithRetryAsync(camera);
        Assert.True(camera.IsConnected);
        long previous = -1;
        for (int i = 0; i < 20; i++)
        {
            using var frame = await camera.CaptureAsync(CancellationToken.None);
            Assert.NotNull(frame);
            Assert.True(frame.CameraFrameId > previous);
            previous = frame.CameraFrameId;
        }
    }

    [Fact]
    public async Task Opening_twice_tears_down_and_reopens_cleanly()
    {
        await using var camera = new AravisCamera(FakeOptions(), _pool);
        await OpenWithRetryAsync(camera);
        (await camera.CaptureAsync(CancellationToken.None))!.Dispose();

        await camera.OpenAsync(CancellationToken.None);

        using var frame = await camera.CaptureAsync(CancellationToken.None);
        Assert.NotNull(frame);
        Assert.True(camera.IsConnected);
    }

    [Fact]
    public async Task An_exposure_out_of_range_names_the_feature_the_value_and_the_bounds()
    {
        var error = await OpenFailsAsync(FakeOptions(o => o.ExposureUs = 20_000_000));

        // The fake camera has the pre-SFNC 2.0 ExposureTimeAbs: the plan writes it instead and names it.
        Assert.Contains("ExposureTimeAbs cannot be 20000000", error.Message, StringComparison.Ordinal);
        Assert.Contains("Camera:Aravis:ExposureUs", error.Message, StringComparison.Ordinal);
        Assert.Contains("10..10000000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_frame_rate_out_of_range_names_the_feature_and_the_bounds()
    {
        var error = await OpenFailsAsync(FakeOptions(o => o.FrameRate = 5000));

        Assert.Contains("AcquisitionFrameRate cannot be 5000", error.Message, StringComparison.Ordinal);
        Assert.Contains("0.1..1000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_region_larger_than_the_sensor_is_refused_with_the_limits()
    {
        var error = await OpenFailsAsync(FakeOptions(o => (o.Width, o.OffsetX) = (2048, 100)));

        Assert.Contains("Width=2048, OffsetX=100", error.Message, StringComparison.Ordinal);
        Assert.Contains("OffsetX + Width <= 2048", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_trigger_activation_the_camera_lacks_lists_what_it_offers()
    {
        var error = await OpenFailsAsync(FakeOptions(o => (o.Trigger, o.TriggerActivation) = (CameraTrigger.Line0, "FallingEdge")));

        Assert.Contains("TriggerActivation cannot be 'FallingEdge'", error.Message, StringComparison.Ordinal);
        Assert.Contains("offers RisingEdge", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_strobe_line_on_a_camera_without_line_features_names_the_missing_feature()
    {
        var error = await OpenFailsAsync(FakeOptions(o => o.StrobeLine = "Line1"));

        Assert.Contains("LineSelector is not available", error.Message, StringComparison.Ordinal);
        Assert.Contains("Camera:Aravis:StrobeLine", error.Message, StringComparison.Ordinal);
        Assert.Contains("'Line1'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_device_id_lists_the_discovered_cameras()
    {
        var error = await OpenFailsAsync(FakeOptions(o => o.DeviceId = "No-Such-Camera-42"));

        Assert.Contains("'No-Such-Camera-42' cannot be opened", error.Message, StringComparison.Ordinal);
        Assert.Contains("Discovered:", error.Message, StringComparison.Ordinal);
        Assert.Contains($"serial {_fake.Serial}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Camera:Aravis:DeviceId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Line0_trigger_waits_for_a_part_without_declaring_the_camera_lost()
    {
        await using var camera = new AravisCamera(FakeOptions(o => (o.Trigger, o.TimeoutMs) = (CameraTrigger.Line0, 200)), _pool);
        await OpenWithRetryAsync(camera);
        Assert.Equal("Line0", camera.Settings!.TriggerSource);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(900));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => camera.CaptureAsync(cts.Token).AsTask());

        Assert.True(camera.IsConnected, "no part within the timeout is not a lost camera");
    }
}
