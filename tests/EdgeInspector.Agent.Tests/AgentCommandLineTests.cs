namespace EdgeInspector.Agent.Tests;

public sealed class AgentCommandLineTests
{
    [Theory]
    [InlineData("replay", new[] { "--Camera:Backend=Replay" })]
    [InlineData("aravis", new[] { "--Camera:Backend=Aravis" })]
    [InlineData("aravis:192.168.10.5", new[] { "--Camera:Backend=Aravis", "--Camera:Aravis:DeviceId=192.168.10.5" })]
    [InlineData("spinnaker:21290846", new[] { "--Camera:Backend=Spinnaker", "--Camera:Spinnaker:Serial=21290846" })]
    [InlineData("opencv:rtsp://cam/stream", new[] { "--Camera:Backend=OpenCv", "--Camera:OpenCv:Source=rtsp://cam/stream" })]
    public void Camera_flag_selects_the_backend_and_its_device(string value, string[] expected) =>
        Assert.Equal(expected, AgentCommandLine.Normalize(["--camera", value]));

    [Fact]
    public void Short_flags_become_configuration_keys()
    {
        var args = AgentCommandLine.Normalize(["--demo", "--frames", "40", "--port", "1884", "--broker", "mqtt://b:1883", "--Mqtt:TopicRoot=plant"]);

        Assert.Equal(["--Agent:Demo=true", "--Agent:MaxFrames=40", "--Mqtt:EmbeddedBroker:Port=1884", "--Mqtt:Broker=mqtt://b:1883", "--Mqtt:TopicRoot=plant"], args);
    }

    [Theory]
    [InlineData(new[] { "--camera", "firewire" }, "not a camera backend")]
    [InlineData(new[] { "--camera" }, "--camera needs a value")]
    [InlineData(new[] { "--frames" }, "--frames needs a value")]
    [InlineData(new[] { "frames=3" }, "Unknown argument 'frames=3'")]
    public void Bad_arguments_are_refused_with_the_usage(string[] args, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => AgentCommandLine.Normalize(args));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("edge-inspector-agent [--config FILE]", e.Message, StringComparison.Ordinal);
    }
}
