using System.Text.Json;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Agent.Tests;

/// <summary>The agent as a real process against a real Mosquitto, observed by an independent MQTT client.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class AgentEndToEndTests
{
    private static readonly string[] VerdictFields = ["id", "seq", "device", "ts", "verdict", "score", "raw_score", "threshold", "regions", "model", "timings_ms", "image"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static string[] DemoArgs(params string[] extra) => ["--demo", "--model", RepoPaths.TextureBaselinePackage, "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01", .. extra];

    [Fact]
    public async Task Forty_frames_reach_an_external_broker_with_every_contract_field()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = AgentProcess.Start(DemoArgs("--broker", broker.Uri, "--frames", "40", "--fps", "0"));

        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        await probe.WaitForAsync(p => p.On("/thumbnail").Count() >= 40 && p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "offline"), Patience, "40 thumbnails and an offline status");

        var verdicts = probe.On("/verdict").Select(m => m.Json).ToList();
        Assert.Equal(40, verdicts.Count);
        Assert.Equal(Enumerable.Range(1, 40), verdicts.Select(v => v.GetProperty("seq").GetInt32()).Order());
        Assert.Equal(40, verdicts.Select(v => v.GetProperty("id").GetString()).Distinct().Count());
        foreach (var v in verdicts)
        {
            Assert.All(VerdictFields, f => Assert.True(v.TryGetProperty(f, out _), $"verdict lacks '{f}': {v}"));
            Assert.Contains(v.GetProperty("verdict").GetString(), new[] { "OK", "NG" });
            double score = v.GetProperty("score").GetDouble();
            Assert.InRange(score, 0, 1);
            Assert.Equal(v.GetProperty("raw_score").GetDouble() >= v.GetProperty("threshold").GetDouble(), v.GetProperty("verdict").GetString() == "NG");
            Assert.Equal("texture-baseline", v.GetProperty("model").GetProperty("name").GetString());
            Assert.Equal(640, v.GetProperty("image").GetProperty("width").GetInt32());
            foreach (string t in new[] { "acquire", "preprocess", "infer", "post", "total" })
            {
                Assert.True(v.GetProperty("timings_ms").GetProperty(t).GetDouble() >= 0);
            }
        }

        var ng = verdicts.Where(v => v.GetProperty("verdict").GetString() == "NG").ToList();
        Assert.NotEmpty(ng);
        Assert.All(ng, v => Assert.NotEqual(0, v.GetProperty("regions").GetArrayLength()));
        var region = ng[0].GetProperty("regions")[0];
        Assert.All(new[] { "x", "y", "w", "h", "area_px", "score" }, f => Assert.True(region.TryGetProperty(f, out _)));

        var ids = verdicts.Select(v => v.GetProperty("id").GetString()).ToHashSet();
        foreach (var thumb in probe.On("/thumbnail"))
        {
            Assert.Equal("image/jpeg", thumb.ContentType);
            Assert.InRange(thumb.Payload.Length, 1, 128 * 1024);
            Assert.Contains(thumb.UserProperties["verdict-id"], ids);
            using var image = Cv2.ImDecode(thumb.Payload, ImreadModes.Color);
            Assert.False(image.Empty(), "thumbnail does not decode as JPEG");
            Assert.Equal(320, image.Width);
        }

        var states = probe.On("/status").Select(s => s.Json.GetProperty("state").GetString()).ToList();
        Assert.Contains("running", states);
        Assert.Equal("offline", states[^1]);
        Assert.True(states.IndexOf("stopping") < states.LastIndexOf("offline"), string.Join(",", states));

        await using var late = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/status");
        await late.WaitForAsync(p => p.Messages.Count > 0, Patience, "the retained status");
        var retained = late.Messages.First();
        Assert.True(retained.Retain);
        Assert.Equal("offline", retained.Json.GetProperty("state").GetString());
        Assert.Equal(40, retained.Json.GetProperty("counters").GetProperty("inspected").GetInt32());
    }

    [Fact]
    public async Task Publishes_over_tls_when_the_broker_certificate_chains_to_the_configured_ca()
    {
        using var certificates = new TestCertificates();
        using var broker = await MosquittoBroker.StartAsync(certificates);
        using var agent = AgentProcess.Start(DemoArgs("--broker", broker.Uri, "--Mqtt:Tls:CaFile=" + certificates.CaFile, "--frames", "5", "--fps", "0"));

        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        Assert.Contains($"MQTT connected to mqtts://127.0.0.1:{broker.Port}", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_a_tls_broker_whose_certificate_it_cannot_verify()
    {
        using var certificates = new TestCertificates();
        using var broker = await MosquittoBroker.StartAsync(certificates);
        using var agent = AgentProcess.Start(DemoArgs("--broker", broker.Uri, "--frames", "5", "--fps", "0"));

        await agent.WaitForOutputAsync("MQTT connection to mqtts://", Patience);
        Assert.DoesNotContain("MQTT connected", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_9_leaves_subscribers_an_offline_status_from_the_last_will()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = AgentProcess.Start(DemoArgs("--broker", broker.Uri, "--fps", "20"));
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 5 && p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");

        agent.KillHard();

        await probe.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "offline"), TimeSpan.FromSeconds(30), "the last-will offline status");
        Assert.DoesNotContain(probe.On("/status"), s => s.Json.GetProperty("state").GetString() == "stopping");
    }

    [Fact]
    public async Task Publishing_resumes_after_the_broker_restarts()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var agent = AgentProcess.Start(DemoArgs("--broker", broker.Uri, "--fps", "20"));
        await using (var before = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/verdict"))
        {
            await before.WaitForAsync(p => p.Messages.Count >= 3, Patience, "verdicts before the restart");
        }

        broker.Stop();
        await Task.Delay(1500);
        await broker.RestartAsync();

        await using var after = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        await after.WaitForAsync(p => p.On("/verdict").Count() >= 5, Patience, "verdicts after the restart");
        await after.WaitForAsync(p => p.On("/status").Any(s => s.Retain || s.Json.GetProperty("state").GetString() == "running"), Patience, "the status republished on reconnect");
        Assert.False(agent.HasExited, agent.Output);
        var seqs = after.On("/verdict").Select(m => m.Json.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Count, seqs.Distinct().Count());

        // The outage is in the log, one line per entry with the configured timestamp (#13 finding 8).
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d\.\d{3} warn: EdgeInspector\.Messaging\.MqttLink\[3022\] MQTT disconnected from mqtt://127\.0\.0\.1:\d+: .+; reconnecting$", agent.Output);
        Assert.Matches(@"(?m)^\d\d:\d\d:\d\d\.\d{3} info: EdgeInspector\.Messaging\.MqttLink\[3024\] MQTT reconnected to mqtt://127\.0\.0\.1:\d+ after \d+\.\d s", agent.Output);
        Assert.DoesNotMatch(@"(?m)^(info|warn|fail): [^\n]*\]$", agent.Output);
    }

    [Fact]
    public async Task Embedded_broker_serves_retained_status_and_live_verdicts()
    {
        int port = FreePort.Next();
        using var agent = AgentProcess.Start(DemoArgs("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--frames", "400", "--fps", "50"));
        await using var probe = await MqttProbe.ConnectAsync(port, "edgeinspector/demo/#");
        await probe.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running") && p.On("/verdict").Count() >= 10, Patience, "a running status and verdicts from the embedded broker");

        var reply = await probe.RequestAsync("edgeinspector/demo/cmd/status", "{}"u8.ToArray(), Patience);
        Assert.Equal("demo", reply.Json.GetProperty("device").GetString());
        Assert.Equal("running", reply.Json.GetProperty("state").GetString());
        var snapshot = await probe.RequestAsync("edgeinspector/demo/cmd/snapshot", "{}"u8.ToArray(), Patience);
        Assert.True(snapshot.Json.GetProperty("ok").GetBoolean(), snapshot.Text);
        Assert.Equal(640, snapshot.Json.GetProperty("width").GetInt32());
        string shotId = snapshot.Json.GetProperty("verdict_id").GetString()!;
        await probe.WaitForAsync(p => p.Messages.Any(m => m.Topic == "edgeinspector/demo/snapshot"), Patience, "the snapshot image");
        var image = probe.Messages.Single(m => m.Topic == "edgeinspector/demo/snapshot");
        Assert.Equal("image/jpeg", image.ContentType);
        Assert.Equal(shotId, image.UserProperties["verdict-id"]);
        using (var decoded = Cv2.ImDecode(image.Payload, ImreadModes.Color))
        {
            Assert.Equal(new Size(640, 480), decoded.Size());
        }

        var unknown = await probe.RequestAsync("edgeinspector/demo/cmd/reboot", "{}"u8.ToArray(), Patience);
        Assert.Contains("unknown command 'reboot'", unknown.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Takes_frames_from_a_video_through_the_OpenCV_camera()
    {
        using var dir = new TempDirectory();
        string video = dir.Combine("line.avi");
        using (var writer = new VideoWriter(video, FourCC.MJPG, 10, new Size(640, 480)))
        {
            for (int i = 0; i < 12; i++)
            {
                using var frame = EdgeInspector.Imaging.SyntheticParts.Render(640, 480, i % 4 == 3 ? EdgeInspector.Imaging.SyntheticDefect.Crack : EdgeInspector.Imaging.SyntheticDefect.None, i);
                writer.Write(frame);
            }
        }

        using var agent = AgentProcess.Start(DemoArgs("--camera", "opencv:" + video, "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--frames", "12"));

        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        var lines = agent.Output.Split('\n').Where(l => l.StartsWith('#')).ToList();
        Assert.Equal(12, lines.Count);
        Assert.Equal(3, lines.Count(l => l.Contains(" NG ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_missing_model_package_stops_the_agent_with_a_message_naming_it()
    {
        using var dir = new TempDirectory();
        using var agent = AgentProcess.Start("--demo", "--model", dir.Combine("nope"), "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, await agent.WaitForExitAsync(Patience));
        Assert.Contains(dir.Combine("nope"), agent.Output, StringComparison.Ordinal);
        Assert.Contains("does not exist", agent.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--Agent:StageCapacity=0", "StageCapacity")]
    [InlineData("--Reject:Enabled=true", "Header pin 7 is assigned to Light:Pin and Reject:Pin")]
    [InlineData("--Mqtt:Broker=tcp://x:1", "mqtt://host:port")]
    public async Task Bad_configuration_exits_2_naming_the_setting(string setting, string expected)
    {
        string[] extra = setting.StartsWith("--Reject", StringComparison.Ordinal) ? ["--Reject:Pin=7"] : [];
        using var agent = AgentProcess.Start(DemoArgs(["--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), setting, .. extra]));

        int code = await agent.WaitForExitAsync(Patience);
        Assert.True(code == 2, $"exit {code}:\n{agent.Output}");
        Assert.Contains("Configuration error", agent.Output, StringComparison.Ordinal);
        Assert.Contains(expected, agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_flag_prints_the_usage_and_exits_2()
    {
        using var agent = AgentProcess.Start("--frobnicate");
        Assert.Equal(2, await agent.WaitForExitAsync(Patience));
        Assert.Contains("Unknown argument '--frobnicate'", agent.Output, StringComparison.Ordinal);
        Assert.Contains("--frames N", agent.Output, StringComparison.Ordinal);
    }
}

/// <summary>Agent processes compete for two cores; one test class at a time keeps timings sane.</summary>
[CollectionDefinition(nameof(AgentProcessCollection), DisableParallelization = true)]
public sealed class AgentProcessCollection;
