using System.Text.Json;
using EdgeInspector.Cli;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using EdgeInspector.Updates;
using OpenCvSharp;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// SIGKILL while an update installs or activates (a power cut, the OOM killer): the restarted
/// agent serves v1 or v2, never neither, its store holds nothing half-done, and pushing again
/// finishes the update.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class ActivationCrashTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly SignedPackages _packages = new();

    private string StateDirectory => _packages.Combine("state-demo");

    private static string? Phase(ReceivedMessage state) => state.Json.GetProperty("phase").GetString();

    private static bool Running(ReceivedMessage status) => status.Json.GetProperty("state").GetString() == "running";

    private Task<int> PushAsync(MosquittoBroker broker, string package, TextWriter output, CancellationToken cancellationToken) =>
        Commands.RunAsync(["push", "--package", package, "--broker", broker.Uri, "--device", "demo", "--timeout", "90"], output, output, cancellationToken);

    [Theory]
    [InlineData("verifying")]
    [InlineData("activating")]
    [InlineData("active")]
    public async Task An_agent_killed_during_activation_restarts_serving_v1_or_v2_with_a_consistent_store(string killAt)
    {
        // Twelve 12 MP golden images make the self-test last long enough for the kill to land inside it.
        string v2 = _packages.Make("v2", 2, goldenExpected: 0.5, tolerance: 1.0, goldenImages: 12, goldenSize: new Size(4000, 3000));
        using var broker = await MosquittoBroker.StartAsync();
        await using (var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#"))
        {
            using var agent = AgentProcess.Start(_packages.AgentArgs("demo", broker.Uri));
            await probe.WaitForAsync(p => p.On("/verdict").Count() >= 3 && p.On("/status").Any(Running), Patience, "a running agent");

            using var stopPush = new CancellationTokenSource();
            using var pushOutput = new StringWriter();
            var push = PushAsync(broker, v2, pushOutput, stopPush.Token);
            await probe.WaitForAsync(p => p.On("/model/state").Any(s => Phase(s) == killAt) || push.IsCompleted, Patience, $"model/state {killAt}");
            agent.KillHard();
            await agent.WaitForExitAsync(Patience);
            bool activeBeforeKill = probe.On("/model/state").Any(s => Phase(s) == UpdatePhase.Active);
            await stopPush.CancelAsync();
            await Task.WhenAny(push, Task.Delay(Patience));
            Assert.True(probe.On("/model/state").Any(s => Phase(s) == killAt), pushOutput.ToString() + agent.Output);
            if (killAt != UpdatePhase.Active)
            {
                // The premise: the kill landed before the activation finished.
                Assert.False(activeBeforeKill, agent.Output);
            }
        }

        await using var after = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var restarted = AgentProcess.Start(_packages.AgentArgs("demo", broker.Uri));
        await after.WaitForAsync(p => p.On("/status").Any(s => Running(s) && StatusVersion(s) is 1 or 2), Patience, "the restarted agent serving v1 or v2");
        int serving = StatusVersion(after.On("/status").First(s => Running(s) && StatusVersion(s) is not null))!.Value;
        await after.WaitForAsync(p => p.On("/verdict").Count(v => VerdictVersion(v) == serving) >= 3, Patience, $"verdicts from v{serving}");
        AssertStoreConsistent(serving);

        using var output = new StringWriter();
        int code = await PushAsync(broker, v2, output, CancellationToken.None);

        Assert.True(code == 0, output.ToString() + restarted.Output);
        Assert.Matches(@"demo\s+texture-baseline\s+2\s+active", output.ToString());
        await after.WaitForAsync(p => p.On("/verdict").Count(v => VerdictVersion(v) == 2) >= 3, Patience, "verdicts from v2 after pushing again");
        Assert.EndsWith("texture-baseline-v2", new ModelStore(StateDirectory).ReadPointer()!.Current, StringComparison.Ordinal);
        Assert.False(restarted.HasExited, restarted.Output);
    }

    /// <summary>The pointer names the serving package, models/ holds only what it names, staging holds no finished transfer.</summary>
    private void AssertStoreConsistent(int serving)
    {
        var store = new ModelStore(StateDirectory);
        var pointer = store.ReadPointer();
        if (pointer is null)
        {
            Assert.Equal(1, serving);
        }
        else
        {
            Assert.Equal(serving, ModelPackage.Load(pointer.Current).Manifest.Version);
        }

        if (Directory.Exists(store.ModelsDirectory))
        {
            string[] named = [.. new[] { pointer?.Current, pointer?.Previous }.OfType<string>()];
            Assert.All(Directory.GetDirectories(store.ModelsDirectory), d => Assert.Contains(Path.GetFullPath(d), named));
            string[] files = pointer is null ? [] : [store.PointerPath];
            Assert.Equal(files, Directory.GetFiles(store.ModelsDirectory));
        }

        string[] staged = Directory.Exists(store.StagingRoot) ? Directory.GetDirectories(store.StagingRoot) : [];
        Assert.True(serving == 1 ? staged.Length <= 1 : staged.Length == 0, string.Join(", ", staged));
    }

    public void Dispose() => _packages.Dispose();
}
