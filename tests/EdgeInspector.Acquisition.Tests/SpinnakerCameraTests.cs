using EdgeInspector.Core;

namespace EdgeInspector.Acquisition.Tests;

/// <summary>Everything about the Spinnaker backend that does not need the SDK or a camera.</summary>
public sealed class SpinnakerCameraTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("spinnaker-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static string[] Failures(SpinnakerOptions options)
    {
        var result = new SpinnakerOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    private static string Plan(SpinnakerOptions options) => string.Join(" ", GenICamNodePlan.For(options));

    [Fact]
    public void Defaults_are_valid_and_match_the_aravis_defaults()
    {
        var options = new SpinnakerOptions();
        var aravis = new AravisOptions();

        Assert.Empty(Failures(options));
        Assert.Null(options.Serial);
        Assert.Equal(
            (aravis.PixelFormat, aravis.Trigger, aravis.TriggerActivation, aravis.BufferCount, aravis.TimeoutMs),
            (options.PixelFormat, options.Trigger, options.TriggerActivation, options.BufferCount, options.TimeoutMs));
    }

    [Fact]
    public void Spinnaker_options_carry_every_aravis_setting_besides_the_device_id()
    {
        var aravis = typeof(AravisOptions).GetProperties().Select(p => p.Name).Where(n => n != nameof(AravisOptions.DeviceId));
        var spinnaker = typeof(SpinnakerOptions).GetProperties().Select(p => p.Name).ToHashSet();

        Assert.All(aravis, name => Assert.Contains(name, spinnaker));
        Assert.Contains(nameof(SpinnakerOptions.Serial), spinnaker);
    }

    [Theory]
    [InlineData("BayerGB8")]
    [InlineData("Mono16")]
    [InlineData("")]
    public void Only_the_pixel_formats_the_pipeline_reads_are_accepted(string format)
    {
        var failures = Failures(new SpinnakerOptions { PixelFormat = format });

        Assert.Contains(failures, f => f.Contains("PixelFormat", StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_numbers_bad_line_names_and_bad_serials_are_named()
    {
        var failures = string.Join("\n", Failures(new SpinnakerOptions { Serial = "22 12", BufferCount = 1, TimeoutMs = 0, ExposureUs = 0, Gain = -1, FrameRate = 0, Width = -1, StrobeLine = "Line 1", TriggerActivation = "" }));

        foreach (string name in new[] { "Serial", "BufferCount", "TimeoutMs", "ExposureUs", "Gain", "FrameRate", "Width", "StrobeLine", "TriggerActivation" })
        {
            Assert.Contains(name, failures, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Free_run_defaults_switch_the_trigger_off_and_take_the_full_sensor()
    {
        Assert.Equal(
            "AcquisitionMode=Continuous TriggerMode=Off? PixelFormat=BayerRG8 OffsetX=0 OffsetY=0 Width=max-0 Height=max-0 "
            + "Stream.StreamBufferCountMode=Manual? Stream.StreamBufferCountManual=8? Stream.StreamBufferHandlingMode=NewestOnly?",
            Plan(new SpinnakerOptions()));
    }

    [Fact]
    public void Every_setting_is_written_in_the_order_the_camera_needs()
    {
        var options = new SpinnakerOptions
        {
            PixelFormat = "Mono8",
            Width = 1024,
            Height = 768,
            OffsetX = 16,
            OffsetY = 8,
            ExposureUs = 2500,
            Gain = 3.5,
            FrameRate = 30,
            Trigger = CameraTrigger.Line0,
            TriggerActivation = "FallingEdge",
            StrobeLine = "Line1",
            BufferCount = 4,
        };

        Assert.Equal(
            "AcquisitionMode=Continuous TriggerMode=Off PixelFormat=Mono8 "
            + "OffsetX=0 OffsetY=0 Width=1024 Height=768 OffsetX=16 OffsetY=8 "
            + "ExposureAuto=Off? ExposureMode=Timed? ExposureTime=2500 GainAuto=Off? Gain=3.5 "
            + "AcquisitionFrameRateEnable=true? AcquisitionFrameRate=30 "
            + "TriggerSelector=FrameStart TriggerSource=Line0 TriggerActivation=FallingEdge TriggerMode=On "
            + "LineSelector=Line1 LineMode=Output LineSource=ExposureActive "
            + "Stream.StreamBufferCountMode=Manual? Stream.StreamBufferCountManual=4? Stream.StreamBufferHandlingMode=OldestFirst?",
            Plan(options));
    }

    [Fact]
    public void A_software_trigger_follows_the_jetson_sequence_and_tolerates_a_locked_activation()
    {
        var plan = GenICamNodePlan.For(new SpinnakerOptions { Trigger = CameraTrigger.Software });
        var trigger = plan.Where(w => w.Node.StartsWith("Trigger", StringComparison.Ordinal)).Select(w => w.ToString());

        Assert.Equal(["TriggerMode=Off", "TriggerSelector=FrameStart", "TriggerSource=Software", "TriggerActivation=RisingEdge?", "TriggerMode=On"], trigger);
    }

    [Fact]
    public void A_full_width_with_an_offset_is_the_maximum_less_the_offset_and_the_offset_comes_after()
    {
        var plan = GenICamNodePlan.For(new SpinnakerOptions { OffsetX = 64 });

        var width = Assert.Single(plan, w => w.Node == "Width");
        Assert.Equal((NodeWriteKind.IntegerMaximumLess, 64L), (width.Kind, width.Integer));
        Assert.True(plan.ToList().FindLastIndex(w => w.Node == "OffsetX") > plan.ToList().IndexOf(width));
        Assert.Equal(0, plan.ToList().FindIndex(w => w.Node == "OffsetY" && w.Value == "0") - plan.ToList().FindIndex(w => w.Node == "OffsetX" && w.Value == "0") - 1);
    }

    [Fact]
    public void Every_write_names_the_configuration_key_it_comes_from()
    {
        var plan = GenICamNodePlan.For(new SpinnakerOptions { ExposureUs = 100, Gain = 1, FrameRate = 10, Trigger = CameraTrigger.Line0, StrobeLine = "Line2" });

        Assert.All(plan, w => Assert.StartsWith("Camera:Spinnaker:", w.Option, StringComparison.Ordinal));
        Assert.Equal("Camera:Spinnaker:ExposureUs", Assert.Single(plan, w => w.Node == "ExposureTime").Option);
        Assert.Equal("Camera:Spinnaker:StrobeLine", Assert.Single(plan, w => w.Node == "LineSource").Option);
        Assert.All(plan.Where(w => w.Map == NodeMapKind.Stream), w => Assert.True(w.Optional));
    }

    [Theory]
    [InlineData("16", true)]
    [InlineData("256\n", true)]
    [InlineData("999", true)]
    [InlineData("1000", false)]
    [InlineData("2048\n", false)]
    [InlineData("0", false)]
    public void The_usbfs_limit_below_1000_mb_warns_with_the_fix(string content, bool warns)
    {
        string path = Path.Combine(_directory, "usbfs_memory_mb");
        File.WriteAllText(path, content);

        string? warning = SpinnakerCamera.UsbfsWarning(path);

        if (warns)
        {
            Assert.NotNull(warning);
            Assert.Contains($"limited to {content.Trim()} MB", warning, StringComparison.Ordinal);
            Assert.Contains("usbcore.usbfs_memory_mb=1000", warning, StringComparison.Ordinal);
            Assert.Contains("/boot/extlinux/extlinux.conf", warning, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(warning);
        }
    }

    [Fact]
    public void A_missing_usbfs_file_is_no_warning_and_garbage_is_one()
    {
        Assert.Null(SpinnakerCamera.UsbfsWarning(Path.Combine(_directory, "absent")));

        string path = Path.Combine(_directory, "garbage");
        File.WriteAllText(path, "lots");
        Assert.Contains("usbcore.usbfs_memory_mb=1000", SpinnakerCamera.UsbfsWarning(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_without_the_sdk_says_what_to_install()
    {
        await using var camera = new SpinnakerCamera(new SpinnakerOptions { Serial = "22123456" }, new FramePool());

        var error = await Assert.ThrowsAsync<CameraException>(() => camera.OpenAsync(CancellationToken.None).AsTask());

        Assert.IsType<DllNotFoundException>(error.InnerException);
        Assert.Contains("FLIR Spinnaker SDK", error.Message, StringComparison.Ordinal);
        Assert.Contains("arm64", error.Message, StringComparison.Ordinal);
        Assert.Contains("Ubuntu 22.04", error.Message, StringComparison.Ordinal);
        Assert.Contains("/opt/spinnaker/lib", error.Message, StringComparison.Ordinal);
        Assert.Contains("LD_LIBRARY_PATH", error.Message, StringComparison.Ordinal);
        Assert.False(camera.IsConnected);
        Assert.Equal("spinnaker", camera.Backend);

        var capture = await Assert.ThrowsAsync<CameraException>(() => camera.CaptureAsync(CancellationToken.None).AsTask());
        Assert.True(capture.Disconnected);
        Assert.IsType<CameraException>(Assert.Throws<CameraException>(() => SpinnakerCamera.Discover()));
    }
}
