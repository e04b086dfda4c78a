using System.Globalization;
using System.Text.RegularExpressions;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// The durable outbox across a restart: the broker is down while the agent inspects, the agent is
/// stopped (SIGTERM) or killed (SIGKILL), the broker comes back, the agent restarts, and every
/// verdict arrives, numbered on from where the first run stopped.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed partial class DurableOutboxEndToEndTests
{
    private const int PartsBeforeStop = 20;
    private const int PartsAfterRestart = 5;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public Task Verdicts_made_while_the_broker_is_down_survive_a_sigterm() => SurviveAsync(agent => agent.Terminate());

    [Fact]
    public Task Verdicts_made_while_the_broker_is_down_survive_a_kill_9() => SurviveAsync(agent => agent.KillHard());

    private static async Task SurviveAsync(Action<AgentProcess> stop)
    {
        using var state = new TempDirectory();
        using var broker = await MosquittoBroker.StartAsync();
        broker.Stop();
        string[] args =
        [
            "--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--fps", "20",
            "--Mqtt:Outbox:Enabled=true", "--Updates:StateDirectory=" + state.Path,
            "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01",
        ];

        long[] before;
        using (var first = AgentProcess.Start(args))
        {
            await WaitAsync(() => PrintedSeqs(first.Output).Count >= PartsBeforeStop, first, "the first parts inspected with the broker down");
            before = [.. PrintedSeqs(first.Output)];
            // Verdicts are committed within a millisecond of being decided; give that moment before the stop.
            await Task.Delay(500);
            stop(first);
            await first.WaitForExitAsync(Patience);
            Assert.Contains("MQTT connection to", first.Output, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(state.Combine("outbox.db")), "no outbox.db in the state directory");
        await broker.RestartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/verdict");
        using var second = AgentProcess.Start([.. args, "--frames", PartsAfterRestart.ToString(CultureInfo.InvariantCulture)]);
        Assert.Equal(0, await second.WaitForExitAsync(Patience));
        long last = PrintedSeqs(second.Output).Max();
        await probe.WaitForAsync(p => p.Messages.Any(m => m.Json.GetProperty("seq").GetInt64() == last), Patience, $"verdict {last} from the second run");

        var received = probe.Messages.Select(m => m.Json.GetProperty("seq").GetInt64()).ToList();
        var distinct = received.Distinct().ToList();
        Assert.All(before, seq => Assert.Contains(seq, distinct));
        // Nothing lost, nothing numbered twice: 1..last without a gap, the backlog before the new parts.
        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), distinct);
        Assert.True(last >= PartsBeforeStop + PartsAfterRestart, $"last seq {last}");
        Assert.True(PrintedSeqs(second.Output)[0] > before.Max(), "the second run numbered its parts from 1 again");
        Assert.Contains("waiting from before", second.Output, StringComparison.Ordinal);
    }

    private static List<long> PrintedSeqs(string output) =>
        [.. VerdictLine().Matches(output).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static async Task WaitAsync(Func<bool> condition, AgentProcess agent, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (agent.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}. Agent output:\n{agent.Output}");
            }

            await Task.Delay(100);
        }
    }

    [GeneratedRegex(@"^#(\d+)\s", RegexOptions.Multiline)]
    private static partial Regex VerdictLine();
}
