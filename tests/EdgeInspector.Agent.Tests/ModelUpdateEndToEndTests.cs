using System.Text.Json;
using EdgeInspector.Cli;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using EdgeInspector.Updates;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>Remote model updates: a running demo agent, a real Mosquitto, edge-inspector push in process.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class ModelUpdateEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SignedPackages _packages = new();

    private string TrustedPrivateKey => _packages.PrivateKey;

    private string StateDirectory => _packages.Combine("state");

    private AgentProcess StartAgent(MosquittoBroker broker, params string[] extra) => AgentProcess.Start(
        ["--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--fps", "20",
        "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01",
        "--Updates:Enabled=true", "--Updates:TrustedKeys:0=" + _packages.PublicKey, "--Updates:StateDirectory=" + StateDirectory, .. extra]);

    private string MakePackage(string name, int version, string privateKey, double? goldenExpected = null, double tolerance = 0.001) =>
        _packages.Make(name, version, privateKey, goldenExpected, tolerance);

    private static async Task<(int Code, string Output)> PushAsync(MosquittoBroker broker, string package)
    {
        using var output = new StringWriter();
        int code = await Commands.RunAsync(["push", "--package", package, "--broker", broker.Uri, "--device", "demo", "--timeout", "60", "--chunk-bytes", "256"], output, output);
        return (code, output.ToString());
    }


    [Fact]
    public async Task A_signed_v2_replaces_v1_without_losing_a_verdict_survives_a_restart_and_rolls_back_on_command()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        string v2 = MakePackage("v2", 2, TrustedPrivateKey, goldenExpected: 0.5, tolerance: 1.0);
        using (var agent = StartAgent(broker))
        {
            await probe.WaitForAsync(p => p.On("/verdict").Count() >= 5 && p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");

            var (code, output) = await PushAsync(broker, v2);

            Assert.True(code == 0, output + agent.Output);
            Assert.Contains("progress: device holds", output, StringComparison.Ordinal);
            Assert.Matches(@"demo\s+texture-baseline\s+2\s+active\s+(\d+)/\1", output);
            await probe.WaitForAsync(p => p.On("/status").Any(s => StatusVersion(s) == 2) && p.On("/verdict").Count(v => VerdictVersion(v) == 2) >= 5, Patience, "status and verdicts from v2");
            var phases = probe.On("/model/state").Select(s => s.Json.GetProperty("phase").GetString()).ToList();
            Assert.Equal(["offered", "verifying", "activating", "active"], phases.Where(p => p != "receiving").Distinct());

            var verdicts = probe.On("/verdict").Select(v => (Seq: v.Json.GetProperty("seq").GetInt64(), Version: VerdictVersion(v))).OrderBy(v => v.Seq).ToList();
            Assert.Equal(Enumerable.Range(1, verdicts.Count).Select(i => (long)i), verdicts.Select(v => v.Seq));
            int firstV2 = verdicts.FindIndex(v => v.Version == 2);
            Assert.True(firstV2 > 0);
            Assert.All(verdicts.Skip(firstV2), v => Assert.Equal(2, v.Version));
            Assert.False(agent.HasExited, agent.Output);

            agent.Terminate();
            Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        }

        var pointer = new ModelStore(StateDirectory).ReadPointer();
        Assert.NotNull(pointer);
        Assert.EndsWith("texture-baseline-v2", pointer.Current, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(pointer.Current, PackageSignature.FileName)));

        // A restarted agent serves the last activated model; cmd/rollback goes back to v1.
        await using var after = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var restarted = StartAgent(broker);
        await after.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running" && StatusVersion(s) == 2), Patience, "the restarted agent serving v2");

        // Only a rollback signed by a trusted key for this device, once, is obeyed.
        var unsigned = await after.RequestAsync("edgeinspector/demo/cmd/rollback", "{}"u8.ToArray(), Patience);
        Assert.Contains("cmd/rollback must be signed", unsigned.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        var otherDevice = await after.RequestAsync("edgeinspector/demo/cmd/rollback", SignedRollbackFor("line9", null), Patience);
        Assert.Contains("signed for device 'line9', this is 'demo'", otherDevice.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        byte[] signed = SignedRollbackFor("demo", 1);
        var reply = await after.RequestAsync("edgeinspector/demo/cmd/rollback", signed, Patience);
        Assert.True(reply.Json.GetProperty("ok").GetBoolean(), reply.Text);
        Assert.Equal(1, reply.Json.GetProperty("version").GetInt32());
        await after.WaitForAsync(p => p.On("/verdict").Any(v => VerdictVersion(v) == 1), Patience, "verdicts from v1 after the rollback");
        await after.WaitForAsync(p => p.On("/model/state").Any(s => s.Json.GetProperty("phase").GetString() == "rolled_back"), Patience, "model/state rolled_back");
        Assert.Equal(Path.GetFullPath(RepoPaths.TextureBaselinePackage), new ModelStore(StateDirectory).ReadPointer()!.Current);
        var replay = await after.RequestAsync("edgeinspector/demo/cmd/rollback", signed, Patience);
        Assert.Contains("already carried out; a replay is refused", replay.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        // edge-inspector rollback: --to names the version the device must land on; previous is now v2.
        var (refusedCode, refused) = await RollbackAsync(broker, "--to", "1");
        Assert.True(refusedCode == 1, refused);
        Assert.Contains("v1 is not on this device: it keeps only the previous package, v2", refused, StringComparison.Ordinal);
        var (rolledCode, rolled) = await RollbackAsync(broker, "--to", "2");
        Assert.True(rolledCode == 0, rolled + restarted.Output);
        Assert.Contains("demo: rolled back, serving texture-baseline v2", rolled, StringComparison.Ordinal);
        int count = after.On("/verdict").Count();
        await after.WaitForAsync(p => p.On("/verdict").Skip(count + 2).Any(v => VerdictVersion(v) == 2), Patience, "verdicts from v2 after the second rollback");
    }

    private byte[] SignedRollbackFor(string device, int? to)
    {
        using var key = PackageSigning.LoadKey(TrustedPrivateKey);
        return SignedRollback.Create(device, to, key, DateTimeOffset.UtcNow);
    }

    private async Task<(int Code, string Output)> RollbackAsync(MosquittoBroker broker, params string[] extra)
    {
        using var output = new StringWriter();
        int code = await Commands.RunAsync(["rollback", "--broker", broker.Uri, "--device", "demo", "--key", TrustedPrivateKey, "--timeout", "60", .. extra], output, output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task A_model_that_fails_its_probation_is_rolled_back_automatically()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        // A threshold of 0 makes every part NG: the signature and self-test pass, the line would not.
        string broken = _packages.Make("v2-threshold-zero", 2, editManifest: m => m["decision"]!["image_threshold"] = 0.0);
        using var agent = StartAgent(broker, "--Updates:ProbationParts=10", "--Updates:RollbackNgRate=0.8");
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 5, Patience, "a running agent");

        var (code, output) = await PushAsync(broker, broken);
        Assert.True(code == 0, output + agent.Output);

        await probe.WaitForAsync(p => p.On("/model/state").Any(s => s.Json.GetProperty("phase").GetString() == "rolled_back"), Patience, "the automatic rollback");
        string reason = probe.On("/model/state").Last(s => s.Json.GetProperty("phase").GetString() == "rolled_back").Json.GetProperty("reason").GetString()!;
        Assert.Contains("automatic rollback: texture-baseline v2 judged 100% of its first 10 parts NG", reason, StringComparison.Ordinal);
        Assert.Contains("serving texture-baseline v1", reason, StringComparison.Ordinal);
        int before = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Skip(before).Count(v => VerdictVersion(v) == 1) >= 5, Patience, "v1 serving again");
        var verdicts = probe.On("/verdict").Select(v => v.Json.GetProperty("seq").GetInt64()).Order().ToList();
        Assert.Equal(Enumerable.Range(1, verdicts.Count).Select(i => (long)i), verdicts);
        Assert.False(agent.HasExited, agent.Output);
    }

    [Fact]
    public async Task Tampered_unknown_key_downgrade_and_failed_self_test_are_rejected_while_v1_keeps_serving()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = StartAgent(broker);
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 3 && p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");

        string tampered = MakePackage("tampered", 2, TrustedPrivateKey);
        byte[] model = File.ReadAllBytes(Path.Combine(tampered, "model.onnx"));
        model[^1] ^= 0x01;
        File.WriteAllBytes(Path.Combine(tampered, "model.onnx"), model);
        var (code, output) = await PushAsync(broker, tampered);
        Assert.True(code == 1, output);
        Assert.Matches(@"demo\s+texture-baseline\s+2\s+rejected", output);
        Assert.Contains("'model.onnx' has SHA-256", output, StringComparison.Ordinal);

        using var otherKeys = new TempDirectory();
        PackageSigning.GenerateKeyPair(otherKeys.Path);
        (code, output) = await PushAsync(broker, MakePackage("unknown-key", 2, otherKeys.Combine("private.pem")));
        Assert.True(code == 1, output);
        Assert.Contains("signed by unknown key", output, StringComparison.Ordinal);

        (code, output) = await PushAsync(broker, MakePackage("downgrade", 1, TrustedPrivateKey));
        Assert.True(code == 1, output);
        Assert.Contains("version 1 is not newer than the serving version 1", output, StringComparison.Ordinal);

        (code, output) = await PushAsync(broker, MakePackage("bad-golden", 3, TrustedPrivateKey, goldenExpected: 5.0));
        Assert.True(code == 1, output);
        Assert.Contains("self-test failed: golden image 'part.png' scored", output, StringComparison.Ordinal);

        long before = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= before + 5, Patience, "verdicts after the refusals");
        Assert.All(probe.On("/verdict"), v => Assert.Equal(1, VerdictVersion(v)));
        Assert.DoesNotContain(probe.On("/status"), s => StatusVersion(s) is { } version && version != 1);
        Assert.Null(new ModelStore(StateDirectory).ReadPointer());
        Assert.False(Directory.Exists(Path.Combine(StateDirectory, "models")) && Directory.EnumerateDirectories(Path.Combine(StateDirectory, "models")).Any());
        Assert.False(agent.HasExited, agent.Output);

        // A refused rollback does not use up its nonce: the same signed order, sent again, is judged again (#13 finding 8).
        byte[] rollback = SignedRollbackFor("demo", null);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            var unknown = await probe.RequestAsync("edgeinspector/demo/cmd/rollback", rollback, Patience);
            Assert.Contains("no previous model package", unknown.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        var threshold = await probe.RequestAsync("edgeinspector/demo/cmd/set-threshold", "{\"image_threshold\": 2}"u8.ToArray(), Patience);
        Assert.Contains("must be a number in [0,1]", threshold.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        threshold = await probe.RequestAsync("edgeinspector/demo/cmd/set-threshold", "{\"image_threshold\": 0.99}"u8.ToArray(), Patience);
        Assert.True(threshold.Json.GetProperty("ok").GetBoolean(), threshold.Text);
        long count = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Skip((int)count + 2).Any(v => v.Json.GetProperty("threshold").GetDouble() == 0.99), Patience, "verdicts under the new threshold");
    }

    [Fact]
    public async Task A_set_threshold_survives_a_restart_and_does_not_follow_an_update_to_another_model()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        static double? StatusThreshold(ReceivedMessage s, string source) =>
            s.Json.TryGetProperty("threshold", out var t) && t.GetProperty("source").GetString() == source ? t.GetProperty("image").GetDouble() : null;
        using (var agent = StartAgent(broker))
        {
            await probe.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");
            var reply = await probe.RequestAsync("edgeinspector/demo/cmd/set-threshold", "{\"image_threshold\": 0.97}"u8.ToArray(), Patience);
            Assert.True(reply.Json.GetProperty("ok").GetBoolean(), reply.Text);
            agent.Terminate();
            Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        }

        await using var after = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var restarted = StartAgent(broker);
        await after.WaitForAsync(p => p.On("/verdict").Count(v => v.Json.GetProperty("threshold").GetDouble() == 0.97) >= 3, Patience, "verdicts under the stored threshold after the restart");
        await after.WaitForAsync(p => p.On("/status").Any(s => StatusThreshold(s, "cmd/set-threshold") == 0.97), Patience, "status showing the override");

        var (code, output) = await PushAsync(broker, MakePackage("v2", 2, TrustedPrivateKey));

        Assert.True(code == 0, output + restarted.Output);
        double manifest = ModelPackage.Load(RepoPaths.TextureBaselinePackage).Manifest.Decision.ImageThreshold;
        await after.WaitForAsync(p => p.On("/verdict").Count(v => VerdictVersion(v) == 2) >= 3, Patience, "verdicts from v2");
        Assert.All(after.On("/verdict").Where(v => VerdictVersion(v) == 2), v => Assert.Equal(manifest, v.Json.GetProperty("threshold").GetDouble()));
        await after.WaitForAsync(p => p.On("/status").Any(s => StatusVersion(s) == 2 && StatusThreshold(s, "manifest") == manifest), Patience, "status of v2 with its manifest threshold");
    }

    [Fact]
    public async Task A_refused_chunk_and_an_agent_killed_mid_transfer_cost_only_the_missing_chunks()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        string v2 = MakePackage("v2", 2, TrustedPrivateKey);
        byte[] manifest = File.ReadAllBytes(Path.Combine(v2, "manifest.json"));
        byte[] signature = File.ReadAllBytes(Path.Combine(v2, PackageSignature.FileName));
        var layout = PackageLayout.FromManifest(manifest);
        string transferId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. manifest, .. signature]))[..16];
        var offer = new UpdateOffer(transferId, manifest, signature, layout.TotalBytes, 256, (int)((layout.TotalBytes + 255) / 256));
        Assert.Equal(4, offer.ChunkCount);

        using (var agent = StartAgent(broker))
        {
            await probe.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");
            using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500).Build());
            await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic("edgeinspector/demo/model/offer").WithPayload(offer.ToJson()).WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
            async Task SendAsync(int index, bool tamper)
            {
                byte[] chunk = new byte[offer.ChunkLength(index)];
                layout.Read(v2, index * 256L, chunk);
                string hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(chunk));
                if (tamper)
                {
                    chunk[0] ^= 0xFF;
                }

                await client.PublishAsync(new MQTTnet.MqttApplicationMessageBuilder().WithTopic($"edgeinspector/demo/model/chunk/{transferId}/{index}").WithPayload(chunk)
                    .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                    .WithUserProperty("sha256", System.Text.Encoding.UTF8.GetBytes(hash).AsMemory()).Build());
            }

            await SendAsync(0, tamper: false);
            await SendAsync(2, tamper: true);
            await probe.WaitForAsync(p => p.On("/model/state").Any(s => s.Text.Contains("chunk 2 refused", StringComparison.Ordinal)), Patience, "chunk 2 refused");
            var refused = UpdateState.Parse(probe.On("/model/state").Last().Payload);
            Assert.Equal([1, 2, 3], refused.Missing());
            Assert.Equal(UpdatePhase.Receiving, refused.Phase);

            agent.KillHard();
            await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptions());
        }

        await using var after = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var restarted = StartAgent(broker);
        await after.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running") && p.On("/model/state").Any(s => s.Text.Contains("agent restarted", StringComparison.Ordinal)), Patience, "the resumed transfer's state");
        Assert.Equal([1, 2, 3], UpdateState.Parse(after.On("/model/state").Last(s => s.Text.Contains("agent restarted", StringComparison.Ordinal)).Payload).Missing());

        var (code, output) = await PushAsync(broker, v2);

        Assert.True(code == 0, output + restarted.Output);
        Assert.Matches(@"demo\s+texture-baseline\s+2\s+active\s+4/4\s+3\s", output);
        await after.WaitForAsync(p => p.On("/verdict").Any(v => VerdictVersion(v) == 2), Patience, "verdicts from v2");
        Assert.False(Directory.Exists(Path.Combine(StateDirectory, "staging", transferId)));
    }

    public void Dispose() => _packages.Dispose();
}
