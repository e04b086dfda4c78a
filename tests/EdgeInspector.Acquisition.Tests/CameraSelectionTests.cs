using EdgeInspector.Core;

namespace EdgeInspector.Acquisition.Tests;

public sealed class CameraSelectionTests
{
    [Theory]
    [InlineData("replay", CameraBackend.Replay, null)]
    [InlineData("replay:/data/parts", CameraBackend.Replay, "/data/parts")]
    [InlineData("aravis", CameraBackend.Aravis, null)]
    [InlineData("Aravis:192.168.10.5", CameraBackend.Aravis, "192.168.10.5")]
    [InlineData("spinnaker:21290846", CameraBackend.Spinnaker, "21290846")]
    [InlineData("opencv:rtsp://cam/stream", CameraBackend.OpenCv, "rtsp://cam/stream")]
    public void One_syntax_names_every_backend_and_its_device(string value, CameraBackend backend, string? device) =>
        Assert.Equal(new CameraSpec(backend, device), CameraSpec.Parse(value));

    [Theory]
    [InlineData("firewire")]
    [InlineData("opencv")]
    [InlineData("")]
    public void Unknown_backends_and_missing_sources_are_refused_with_the_syntax(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => CameraSpec.Parse(value));
        Assert.Contains("not a camera backend", e.Message, StringComparison.Ordinal);
        Assert.Contains(CameraSpec.Syntax, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_and_options_agree()
    {
        var spec = CameraSpec.Parse("aravis:Fake_1");

        var options = spec.ApplyTo(new CameraOptions());

        Assert.Equal([new("Camera:Backend", "Aravis"), new("Camera:Aravis:DeviceId", "Fake_1")], spec.Settings());
        Assert.Equal(CameraBackend.Aravis, options.Backend);
        Assert.Equal("Fake_1", options.Aravis.DeviceId);
    }

    [Theory]
    [InlineData("aravis:Fake_1", typeof(AravisCamera))]
    [InlineData("spinnaker", typeof(SpinnakerCamera))]
    [InlineData("opencv:0", typeof(OpenCvCamera))]
    [InlineData("replay:/tmp", typeof(ReplayCamera))]
    public async Task The_factory_builds_the_named_backend_without_opening_it(string spec, Type type)
    {
        await using var camera = CameraFactory.Create(CameraSpec.Parse(spec).ApplyTo(new CameraOptions()), new FramePool());

        Assert.IsType(type, camera);
        Assert.False(camera.IsConnected);
    }

    [Fact]
    public void A_replay_camera_without_a_path_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => CameraFactory.Create(new CameraOptions { Backend = CameraBackend.Replay }, new FramePool()));
        Assert.Contains("Camera:Replay:Path is required", e.Message, StringComparison.Ordinal);
    }
}
