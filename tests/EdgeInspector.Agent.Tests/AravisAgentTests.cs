using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

/// <summary>The agent taking frames from Aravis' fake GigE Vision camera, through real Mosquitto.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class AravisAgentTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Survives_the_camera_going_away_and_coming_back_without_a_restart()
    {
        using var camera = new FakeGigECamera("EI07");
        camera.Start();
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = AgentProcess.Start(
            "--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri,
            "--camera", "aravis:" + FakeGigECamera.Address, "--Camera:Aravis:FrameRate=20", "--Camera:Aravis:TimeoutMs=1000", "--Camera:Aravis:Width=640", "--Camera:Aravis:Height=480",
            "--Mqtt:StatusInterval=00:00:01");

        await probe.WaitForAsync(p => p.On("/verdict").Count(v => v.Json.GetProperty("verdict").GetString() != "ERROR") >= 10, Patience, "verdicts from the fake camera");
        var first = probe.On("/verdict").First().Json;
        Assert.Equal(640, first.GetProperty("image").GetProperty("width").GetInt32());
        Assert.Contains(probe.On("/status"), s => Camera(s).backend == "aravis" && Camera(s).connected);

        camera.Kill();
        await probe.WaitForAsync(p => p.On("/status").Any(s => !Camera(s).connected), Patience, "status with camera.connected false");
        await probe.WaitForAsync(p => p.On("/verdict").Any(v => v.Json.GetProperty("verdict").GetString() == "ERROR"), Patience, "an ERROR verdict for the lost capture");
        int before = probe.On("/verdict").Count();

        camera.Start();
        await probe.WaitForAsync(p => p.On("/verdict").Skip(before).Count(v => v.Json.GetProperty("verdict").GetString() != "ERROR") >= 5, Patience, "verdicts after the camera came back");
        await probe.WaitForAsync(p => p.On("/status").Reverse().Take(1).Any(s => Camera(s).connected), Patience, "status with camera.connected true again");
        Assert.False(agent.HasExited, agent.Output);
        Assert.True(agent.Output.Split("Camera aravis opened").Length >= 3, "the camera was opened at start and again after the loss:\n" + agent.Output);
    }

    private static (string? backend, bool connected) Camera(ReceivedMessage status)
    {
        var camera = status.Json.GetProperty("camera");
        return (camera.GetProperty("backend").GetString(), camera.GetProperty("connected").GetBoolean());
    }
}
