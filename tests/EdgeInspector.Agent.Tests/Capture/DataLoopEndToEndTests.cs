using System.Text.Json;
using EdgeInspector.Cli;
using EdgeInspector.Testing;
using EdgeInspector.Updates;
using Xunit.Abstractions;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>
/// The whole loop over a real Mosquitto: the default engine inspects 200 parts and captures NG,
/// uncertain and a 5 % OK sample within a 20 MB quota; collect pulls them into a round; enroll on
/// the collected OK images builds the next version; push activates it and the agent serves it.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class DataLoopEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private const long Quota = 20L << 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(240);
    private readonly SignedPackages _packages = new();

    private static JsonElement? Capture(JsonElement status) => status.TryGetProperty("capture", out var c) ? c : null;

    private static long Accounted(JsonElement capture) =>
        capture.GetProperty("held").GetInt64() + capture.GetProperty("evicted").GetInt64() + capture.GetProperty("dropped").GetInt64();

    [Fact]
    public async Task Captured_parts_come_back_as_a_round_whose_good_parts_enroll_the_version_the_agent_then_serves()
    {
        string parts = _packages.Combine("parts");
        using (var written = new StringWriter())
        {
            int made = await Commands.RunAsync(["demo-images", "--out", parts, "--count", "200", "--seed", "41", "--defect-fraction", "0.3"], written, written);
            Assert.True(made == 0, written.ToString());
        }

        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = AgentProcess.Start(
            "--demo", "--model", RepoPaths.DefaultEnginePackage, "--broker", broker.Uri, "--fps", "25", "--replay", parts,
            "--Agent:StateDirectory=" + _packages.Combine("state"), "--Updates:Enabled=true", "--Updates:TrustedKeys:0=" + _packages.PublicKey,
            "--Capture:Enabled=true", "--Capture:Format=Jpeg", "--Capture:OkSampleRate=0.05", "--Capture:MaxBytes=" + Quota);
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 200, Patience, "200 inspected parts");

        // Every NG part of the first 200 is captured (held, or already evicted by the quota), written off the line's path.
        int ng = probe.On("/verdict").Take(200).Count(v => v.Json.GetProperty("verdict").GetString() == "NG");
        await probe.WaitForAsync(p => p.On("/status").Select(s => Capture(s.Json)).OfType<JsonElement>().Any(c => Accounted(c) >= ng), Patience, $"{ng} NG parts accounted for in capture status");
        var captures = probe.On("/status").Select(s => Capture(s.Json)).OfType<JsonElement>().ToList();
        output.WriteLine($"{ng} NG of 200 parts; capture status now {captures[^1]}");
        Assert.All(captures, c => Assert.InRange(c.GetProperty("bytes").GetInt64(), 0, Quota));
        Assert.True(captures[^1].GetProperty("held").GetInt64() > 0);

        string data = _packages.Combine("data", "COMP", "product");
        using (var collected = new StringWriter())
        {
            int code = await Commands.RunAsync(["collect", "--broker", broker.Uri, "--device", "demo", "--out", data, "--kinds", "ng,uncertain,ok", "--description", "loop"], collected, collected);
            output.WriteLine(collected.ToString());
            Assert.True(code == 0, collected.ToString());
        }

        string round = Assert.Single(Directory.GetDirectories(data));
        string good = Path.Combine(round, "test", "good");
        Assert.True(Directory.GetFiles(good, "*.jpg").Length >= 2, $"{Directory.GetFiles(good, "*.jpg").Length} OK images collected");
        Assert.True(Directory.GetFiles(Path.Combine(round, "test", "ng"), "*.jpg").Length >= ng, "every NG part of the first 200 collected");

        string next = _packages.Combine("next");
        var enrolled = EdgeInspector.Cli.Enrollment.Run(RepoPaths.DefaultEnginePackage, good, next, maxBank: 1024);
        PackageSigning.SignPackage(next, _packages.PrivateKey);
        using (var pushed = new StringWriter())
        {
            int code = await Commands.RunAsync(["push", "--package", next, "--broker", broker.Uri, "--device", "demo", "--timeout", "180"], pushed, pushed);
            Assert.True(code == 0, pushed.ToString() + agent.Output);
        }

        await probe.WaitForAsync(p => p.On("/status").Any(s => StatusVersion(s) == enrolled.Version) && p.On("/verdict").Count(v => VerdictVersion(v) == enrolled.Version) >= 3, Patience, $"verdicts from the collected-and-enrolled v{enrolled.Version}");
        Assert.False(agent.HasExited, agent.Output);
    }

    public void Dispose() => _packages.Dispose();
}
