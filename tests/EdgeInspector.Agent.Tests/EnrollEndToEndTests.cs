using System.Text;
using System.Text.Json;
using EdgeInspector.Cli;
using EdgeInspector.Core;
using EdgeInspector.Inference;
using EdgeInspector.Testing;
using EdgeInspector.Updates;
using Xunit.Abstractions;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>cmd/enroll: a running demo-clip agent on known-good parts, a real Mosquitto, a probe as the field tech.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class EnrollEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly TempDirectory _temp = new();

    /// <summary>The workstation's key: rollbacks must be signed by a key the agent trusts.</summary>
    private readonly SignedPackages _keys = new();

    private string StateDirectory => _temp.Combine("state");

    /// <summary>Every part on this line is good, as when a tech enrolls: 20 generated parts without defects.</summary>
    private async Task<string> GoodPartsAsync()
    {
        string dir = _temp.Combine("good");
        if (Directory.Exists(dir))
        {
            return dir;
        }

        using var written = new StringWriter();
        int code = await Commands.RunAsync(["demo-images", "--out", dir, "--count", "20", "--seed", "7", "--defect-fraction", "0"], written, written);
        Assert.True(code == 0, written.ToString());
        return dir;
    }

    private async Task<AgentProcess> StartAgentAsync(MosquittoBroker broker, string model) => AgentProcess.Start(
        ["--demo", "--model", model, "--broker", broker.Uri, "--fps", "20", "--replay", await GoodPartsAsync(),
        "--Updates:Enabled=true", "--Updates:StateDirectory=" + StateDirectory, "--Updates:TrustedKeys:0=" + _keys.PublicKey]);

    private static Task<ReceivedMessage> EnrollAsync(MqttProbe probe, string payload) =>
        probe.RequestAsync("edgeinspector/demo/cmd/enroll", Encoding.UTF8.GetBytes(payload), Patience);

    [Fact]
    public async Task Enroll_builds_the_next_version_from_the_next_parts_and_swaps_it_in_without_losing_a_verdict()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = await StartAgentAsync(broker, RepoPaths.DemoClipPackage);
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 5 && p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var reply = await EnrollAsync(probe, """{"parts": 10}""");
        output.WriteLine($"cmd/enroll 10 parts at 20 fps: reply after {watch.Elapsed.TotalSeconds:F1} s: {reply.Text}");
        output.WriteLine(string.Join('\n', agent.Output.Split('\n').Where(l => l.Contains("Enrollment", StringComparison.Ordinal) || l.Contains("loaded on", StringComparison.Ordinal))));

        Assert.True(reply.Json.TryGetProperty("ok", out _), reply.Text + agent.Output);
        Assert.Equal(3, reply.Json.GetProperty("version").GetInt32());
        Assert.Equal("device-enroll", reply.Json.GetProperty("origin").GetString());
        Assert.False(reply.Json.GetProperty("signed").GetBoolean());
        Assert.Equal(10, reply.Json.GetProperty("parts").GetInt32());
        await probe.WaitForAsync(p => p.On("/status").Any(s => StatusVersion(s) == 3) && p.On("/verdict").Count(v => VerdictVersion(v) == 3) >= 5, Patience, "status and verdicts from v3");
        var status = probe.On("/status").Last(s => StatusVersion(s) == 3).Json.GetProperty("model");
        Assert.Equal("device-enroll", status.GetProperty("origin").GetString());

        // Progress on the retained model/state: every collected part, then the update path's phases.
        var states = probe.On("/model/state").Select(s => UpdateState.Parse(s.Payload)).ToList();
        Assert.Equal(Enumerable.Range(0, 11), states.Where(s => s.Phase == UpdatePhase.Enrolling).Select(s => s.Received).Distinct());
        Assert.Equal([UpdatePhase.Enrolling, UpdatePhase.Activating, UpdatePhase.Active], states.Select(s => s.Phase).Distinct());
        Assert.All(states, s => Assert.Equal(3, s.Version));

        // The package: the serving one's next version, derived from it, unsigned, in the model store.
        string installed = reply.Json.GetProperty("package").GetString()!;
        Assert.Equal(Path.Combine(StateDirectory, "models", "demo-clip-v3"), installed);
        var package = ModelPackage.Load(installed);
        var source = ModelPackage.Load(RepoPaths.DemoClipPackage);
        Assert.Equal("device-enroll", package.Manifest.Origin);
        Assert.Equal(new ModelLineage("demo-clip", 2, source.Identity.Sha256), package.Manifest.DerivedFrom);
        Assert.NotEqual(source.Identity.Sha256, package.Identity.Sha256);
        Assert.Equal(source.Manifest.Files[PatchFeatureExtractor.FileName], package.Manifest.Files[PatchFeatureExtractor.FileName]);
        Assert.False(File.Exists(Path.Combine(installed, PackageSignature.FileName)));
        Assert.Contains("enrolled on device demo by cmd/enroll from 10 parts", package.Manifest.Description, StringComparison.Ordinal);
        // The input guard's ranges, recorded from the enrolled parts (the source had none: not guarded).
        Assert.Null(source.Manifest.InputGuard);
        // The drift watch's reference: the held-out scores of the 10 enrolled parts, all below the threshold they set.
        Assert.Null(source.Manifest.GoodScores);
        Assert.Equal(10, package.Manifest.GoodScores!.Count);
        Assert.InRange(package.Manifest.GoodScores.P50, 0, package.Manifest.GoodScores.P95);
        Assert.True(package.Manifest.GoodScores.P95 < package.Manifest.Decision.ImageThreshold);
        Assert.InRange(package.Manifest.InputGuard!.Brightness.Min, 0, package.Manifest.InputGuard.Brightness.Max);

        // Verdicts continued throughout: every seq once, and v3 from its first part on.
        var verdicts = probe.On("/verdict").Select(v => (Seq: v.Json.GetProperty("seq").GetInt64(), Version: VerdictVersion(v))).OrderBy(v => v.Seq).ToList();
        Assert.Equal(Enumerable.Range(1, verdicts.Count).Select(i => (long)i), verdicts.Select(v => v.Seq));
        int firstV3 = verdicts.FindIndex(v => v.Version == 3);
        Assert.True(firstV3 > 10, $"v3 served from seq {firstV3 + 1}, before 10 parts were collected");
        Assert.All(verdicts.Skip(firstV3), v => Assert.Equal(3, v.Version));

        // The previous package stays one rollback away.
        using var key = PackageSigning.LoadKey(_keys.PrivateKey);
        var rollback = await probe.RequestAsync("edgeinspector/demo/cmd/rollback", SignedRollback.Create("demo", null, key, DateTimeOffset.UtcNow), Patience);
        Assert.True(rollback.Json.GetProperty("ok").GetBoolean(), rollback.Text);
        Assert.Equal(2, rollback.Json.GetProperty("version").GetInt32());
        int before = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Skip(before).Count(v => VerdictVersion(v) == 2) >= 3, Patience, "verdicts from v2 after the rollback");
        Assert.False(agent.HasExited, agent.Output);
    }

    [Fact]
    public async Task Bad_requests_and_a_package_without_features_get_clear_errors_while_the_model_keeps_serving()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using (var agent = await StartAgentAsync(broker, RepoPaths.DemoClipPackage))
        {
            await probe.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");
            (string Payload, string Error)[] cases =
            [
                ("{\"parts\": 10", "payload is not a JSON object"),
                ("[10]", "payload is not a JSON object"),
                ("{}", "'parts' must be an integer in 2..200 (the number of known-good parts to enroll), got nothing"),
                ("{\"parts\": 1}", "'parts' must be an integer in 2..200"),
                ("{\"parts\": 201}", "got 201"),
                ("{\"parts\": \"ten\"}", "got \"ten\""),
                ("{\"parts\": 2.5}", "got 2.5"),
                ("{\"parts\": 10, \"timeout\": 5}", "unknown field 'timeout'"),
            ];
            foreach (var (payload, expected) in cases)
            {
                var reply = await EnrollAsync(probe, payload);
                Assert.True(reply.Json.TryGetProperty("error", out var message), $"{payload}: {reply.Text}");
                Assert.Contains(expected, message.GetString(), StringComparison.Ordinal);
            }

            Assert.Empty(probe.On("/model/state"));
            Assert.All(probe.On("/verdict"), v => Assert.Equal(2, VerdictVersion(v)));
            agent.Terminate();
            Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        }

        await using var after = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var baseline = await StartAgentAsync(broker, RepoPaths.TextureBaselinePackage);
        await after.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "the texture-baseline agent");

        var refused = await EnrollAsync(after, """{"parts": 10}""");

        string error = refused.Json.GetProperty("error").GetString()!;
        Assert.Contains("package texture-baseline v1 has no features.onnx", error, StringComparison.Ordinal);
        Assert.Contains("export with --good or --enrollable", error, StringComparison.Ordinal);
        int before = after.On("/verdict").Count();
        await after.WaitForAsync(p => p.On("/verdict").Count() >= before + 3, Patience, "verdicts after the refusal");
        Assert.All(after.On("/verdict"), v => Assert.Equal(1, VerdictVersion(v)));
        Assert.False(Directory.Exists(Path.Combine(StateDirectory, "models")));
        Assert.False(baseline.HasExited, baseline.Output);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _temp.Dispose();
    }
}
