using System.Diagnostics;
using System.Globalization;
using System.Text;
using EdgeInspector.Cli;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;
using EdgeInspector.Updates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// Issue #13: thousands of generated hostile messages over every topic the agent subscribes,
/// against the built agent and a real Mosquitto on loopback. Afterwards the agent must still
/// run, publish verdicts, answer a QoS-1 command, accept a valid signed push, have written
/// nothing outside its state directory, and be back within 10 % of its resident memory.
/// The seed is printed; <c>FUZZ_SEED=n</c> replays a run.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class HostileMessageFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const string Device = "fuzz";
    private const int Messages = 2400;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Long enough for JIT, thread pool and ONNX Runtime's arenas to settle (resident memory grows ~10 MB in the first 20 s).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    private readonly SignedPackages _packages = new();
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task The_agent_survives_thousands_of_hostile_messages_and_still_serves_answers_updates_and_returns_to_its_memory()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out int s) ? s : Random.Shared.Next();
        string replay = $"(seed {seed}: FUZZ_SEED={seed} replays this run)";
        output.WriteLine($"fuzz seed {seed}");
        var clock = Stopwatch.StartNew();

        string home = Directory.CreateDirectory(_dir.Combine("home")).FullName;
        string xdg = Directory.CreateDirectory(_dir.Combine("xdg")).FullName;
        string tmp = Directory.CreateDirectory(_dir.Combine("tmp")).FullName;
        string images = Directory.CreateDirectory(_dir.Combine("images")).FullName;
        SyntheticParts.WriteSet(images, count: 40, seed: 7);
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, $"edgeinspector/{Device}/#");
        using var agent = AgentProcess.Start(
            new Dictionary<string, string> { ["HOME"] = home, ["XDG_CACHE_HOME"] = xdg, ["TMPDIR"] = tmp },
            "--model", RepoPaths.TextureBaselinePackage, "--replay", images, "--fps", "20", "--device-id", Device, "--broker", broker.Uri,
            "--Light:Mode=Off", "--Agent:StateDirectory=" + _dir.Combine("state"),
            "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01",
            "--Updates:Enabled=true", "--Updates:TrustedKeys:0=" + _packages.PublicKey);
        await probe.WaitForAsync(p => p.On("/status").Any(m => m.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");
        await Task.Delay(WarmUp > clock.Elapsed ? WarmUp - clock.Elapsed : TimeSpan.Zero);
        double baseline = await ResidentMegabytesAsync(agent);
        var before = await probe.RequestAsync($"edgeinspector/{Device}/cmd/status", "{}"u8.ToArray(), Patience, $"edgeinspector/{Device}/reply/before-fuzz");

        var sent = await SendAsync(broker, seed);
        output.WriteLine($"{sent.Count} hostile messages in {sent.Elapsed.TotalSeconds:F1} s: {string.Join(", ", sent.Kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}"))}");

        // In order behind the burst: answered only once the agent has handled all of it.
        var status = await probe.RequestAsync($"edgeinspector/{Device}/cmd/status", "{}"u8.ToArray(), Patience, $"edgeinspector/{Device}/reply/after-fuzz", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.True(status.Json.GetProperty("device").GetString() == Device, $"{status.Text} {replay}");
        int verdicts = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= verdicts + 20, Patience, "verdicts after the burst " + replay);
        await Task.Delay(Settle);
        double after = await ResidentMegabytesAsync(agent);
        var settled = await probe.RequestAsync($"edgeinspector/{Device}/cmd/status", "{}"u8.ToArray(), Patience, $"edgeinspector/{Device}/reply/settled");
        output.WriteLine($"resident memory: {baseline:F1} MB after warm-up, {after:F1} MB {Settle.TotalSeconds:0} s after the burst ({100 * (after - baseline) / baseline:+0.0;-0.0} %)");
        output.WriteLine($"process before {before.Json.GetProperty("process")}, after {settled.Json.GetProperty("process")}");

        Assert.False(agent.HasExited, $"the agent exited {replay}:\n{agent.Output}");
        Assert.True(after <= baseline * 1.10, $"resident memory {after:F1} MB after the burst, baseline {baseline:F1} MB: more than 10 % {replay}");
        Assert.Empty(Directory.GetFileSystemEntries(home));
        Assert.Empty(Directory.GetFileSystemEntries(xdg));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(tmp), e => !Path.GetFileName(e).StartsWith("dotnet-", StringComparison.Ordinal) && !Path.GetFileName(e).StartsWith("clr-debug-pipe", StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", agent.Output, StringComparison.Ordinal);

        // A valid signed package still goes in over the same topics.
        using var pushOutput = new StringWriter();
        int code = await Commands.RunAsync(["push", "--package", _packages.Make("v2", 2), "--broker", broker.Uri, "--device", Device, "--timeout", "30"], pushOutput, pushOutput);
        Assert.True(code == 0, $"push after the fuzz: {pushOutput} {replay}\n{agent.Output}");
        await probe.WaitForAsync(p => p.On("/verdict").Count(v => VerdictVersion(v) == 2) >= 3, Patience, "verdicts from the pushed v2 " + replay);

        agent.Terminate();
        Assert.True(await agent.WaitForExitAsync(Patience) == 0, $"SIGTERM after the fuzz {replay}:\n{agent.Output}");
        output.WriteLine($"whole run {clock.Elapsed.TotalSeconds:F0} s");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(90), $"the fuzz run took {clock.Elapsed.TotalSeconds:F0} s; it must stay under 90 s");
    }

    private sealed record Burst(int Count, TimeSpan Elapsed, IReadOnlyDictionary<string, int> Kinds);

    private async Task<Burst> SendAsync(MosquittoBroker broker, int seed)
    {
        using var trusted = PackageSigning.LoadPrivateKey(_packages.PrivateKey);
        PackageSigning.GenerateKeyPair(_dir.Combine("stranger"));
        using var stranger = PackageSigning.LoadPrivateKey(_dir.Combine("stranger", PackageSigning.PrivateKeyFileName));
        var messages = new HostileMessages(seed, "edgeinspector", Device, trusted, stranger).Generate(Messages);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("fuzzer").Build());
        var watch = Stopwatch.StartNew();
        // A window of publishes in flight: one PUBACK at a time would make the burst a trickle.
        using var window = new SemaphoreSlim(16);
        var inFlight = new List<Task>();
        foreach (var m in messages)
        {
            var builder = new MqttApplicationMessageBuilder().WithTopic(m.Topic).WithPayload(m.Payload)
                .WithQualityOfServiceLevel(m.AtLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce);
            if (m.ResponseTopic is not null)
            {
                builder.WithResponseTopic(m.ResponseTopic).WithCorrelationData(Guid.NewGuid().ToByteArray());
            }

            foreach (var (name, value) in m.UserProperties)
            {
                builder.WithUserProperty(name, Encoding.UTF8.GetBytes(value).AsMemory());
            }

            await window.WaitAsync();
            inFlight.Add(PublishAsync(client, builder.Build(), window));
        }

        await Task.WhenAll(inFlight);
        await client.DisconnectAsync();
        return new Burst(messages.Count, watch.Elapsed, messages.GroupBy(m => m.Kind).ToDictionary(g => g.Key, g => g.Count()));
    }

    private static async Task PublishAsync(IMqttClient client, MqttApplicationMessage message, SemaphoreSlim window)
    {
        try
        {
            await client.PublishAsync(message);
        }
        finally
        {
            window.Release();
        }
    }

    /// <summary>VmRSS of the agent: the median of three readings a second apart, so one GC in flight does not decide.</summary>
    private static async Task<double> ResidentMegabytesAsync(AgentProcess agent)
    {
        var readings = new List<double>();
        for (int i = 0; i < 3; i++)
        {
            string line = File.ReadLines($"/proc/{agent.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            readings.Add(double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024);
            await Task.Delay(1000);
        }

        return readings.Order().ElementAt(1);
    }

    public void Dispose()
    {
        _packages.Dispose();
        _dir.Dispose();
    }
}
