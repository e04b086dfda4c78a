using System.Text;
using EdgeInspector.Cli;
using EdgeInspector.Testing;
using Xunit.Abstractions;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// A line changes product: the default engine, enrolled on brushed metal, meets cast metal.
/// cmd/enroll from the next 40 parts switches it, and the parts after are judged with the new bank
/// (the agent process, a real Mosquitto, a probe as the field tech).
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class DefaultEngineEnrollEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(300);
    private readonly TempDirectory _temp = new();
    private readonly SignedPackages _keys = new();

    public void Dispose()
    {
        _temp.Dispose();
        _keys.Dispose();
    }

    private async Task<string> DemoImagesAsync(string name, params string[] args)
    {
        string dir = _temp.Combine(name);
        using var written = new StringWriter();
        int code = await Commands.RunAsync(["demo-images", "--out", dir, .. args], written, written);
        Assert.True(code == 0, written.ToString());
        return dir;
    }

    [Fact]
    public async Task Enrolling_40_parts_of_a_new_surface_switches_the_line_to_it()
    {
        string castMetal = await DemoImagesAsync("cast-metal", "--surface", "cast-metal", "--count", "60", "--seed", "21", "--defect-fraction", "0");
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = AgentProcess.Start(
            ["--demo", "--model", RepoPaths.DefaultEnginePackage, "--broker", broker.Uri, "--fps", "10", "--replay", castMetal,
            "--Updates:Enabled=true", "--Updates:StateDirectory=" + _temp.Combine("state"), "--Updates:TrustedKeys:0=" + _keys.PublicKey]);
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 10, Patience, "verdicts on the new surface");
        // Not OK: NG from the brushed-metal bank, or ERROR from the input guard (its ranges are brushed metal's).
        var before = probe.On("/verdict").Take(10).Select(v => v.Json.GetProperty("verdict").GetString() switch
        {
            "ERROR" when v.Json.GetProperty("error").GetString()!.StartsWith("input guard:", StringComparison.Ordinal) => "GUARD",
            var kind => kind,
        }).ToList();

        ReceivedMessage reply;
        try
        {
            reply = await probe.RequestAsync("edgeinspector/demo/cmd/enroll", Encoding.UTF8.GetBytes("""{"parts": 40}"""), Patience);
        }
        catch (TimeoutException)
        {
            output.WriteLine(string.Join('\n', probe.On("/model/state").TakeLast(3).Select(m => m.Text)));
            output.WriteLine(agent.Output);
            throw;
        }

        Assert.True(reply.Json.TryGetProperty("ok", out _), reply.Text + agent.Output);
        Assert.Equal(3, reply.Json.GetProperty("version").GetInt32());
        int switchedAt = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Skip(switchedAt).Count(v => VerdictVersion(v) == 3) >= 30, Patience, "30 verdicts from the enrolled bank");
        var after = probe.On("/verdict").Skip(switchedAt).Where(v => VerdictVersion(v) == 3).Take(30).Select(v => v.Json.GetProperty("verdict").GetString()).ToList();
        output.WriteLine($"good cast-metal parts before cmd/enroll: {before.Count(v => v == "NG")}/10 NG, {before.Count(v => v == "GUARD")}/10 refused by the input guard; after: {after.Count(v => v == "NG")}/30 NG");

        // The brushed-metal package has never seen this surface: it rejects good parts (and cmd/enroll
        // still takes the ones its input guard refused: they are the new product)...
        Assert.True(before.Count(v => v is "NG" or "GUARD") >= 8, string.Join(',', before));
        // ...the enrolled bank passes them (20 of the 60 were never enrolled)...
        Assert.True(after.Count(v => v == "OK") >= 29, string.Join(',', after));

        // ...and still finds cast-metal defects: the installed package on a held-out labelled set.
        string heldout = await DemoImagesAsync("heldout", "--surface", "cast-metal", "--count", "40", "--seed", "11", "--mvtec");
        using var path = ServingPath.ForPrecision(reply.Json.GetProperty("package").GetString()!, null);
        var result = Evaluation.Run(path, InspectionDataset.Scan(heldout));
        output.WriteLine($"enrolled package on held-out cast metal: image AUROC {result.ImageAuroc:F3}, pixel AUROC {result.PixelAuroc:F3}");
        Assert.True(result.ImageAuroc >= 0.8, $"image AUROC {result.ImageAuroc}");
        Assert.False(agent.HasExited, agent.Output);
    }
}
