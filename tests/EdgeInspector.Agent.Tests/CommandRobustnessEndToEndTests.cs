using System.Text;
using EdgeInspector.Testing;
using MQTTnet.Protocol;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// Issue #13, findings 1-3: hostile or broken commands against a running agent and a real Mosquitto.
/// Each of these failed on the agent before the command dispatcher.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class CommandRobustnessEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static AgentProcess StartAgent(MosquittoBroker broker) => AgentProcess.Start(
        "--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--fps", "20",
        "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01");

    private static async Task<MqttProbe> RunningAsync(MosquittoBroker broker)
    {
        var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        await probe.WaitForAsync(p => p.On("/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "a running agent");
        return probe;
    }

    [Fact]
    public async Task Twenty_failing_qos1_commands_do_not_stall_delivery_and_each_malformed_one_gets_a_clear_error()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var agent = StartAgent(broker);
        await using var probe = await RunningAsync(broker);

        // Mosquitto lets 20 QoS-1 messages be in flight to a client; a handler that throws never acks them.
        for (int i = 0; i < 20; i++)
        {
            await probe.PublishAsync("edgeinspector/demo/cmd/set-threshold", """{"image_threshold":0.2,"image_threshold":0.9}"""u8.ToArray());
        }

        var status = await probe.RequestAsync("edgeinspector/demo/cmd/status", "{}"u8.ToArray(), TimeSpan.FromSeconds(20), "probe/replies/status", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal("demo", status.Json.GetProperty("device").GetString());

        var duplicate = await probe.RequestAsync("edgeinspector/demo/cmd/set-threshold", """{"image_threshold":0.2,"image_threshold":0.9}"""u8.ToArray(), Patience, "probe/replies/dup", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Contains("duplicate", duplicate.Json.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        var wrongType = await probe.RequestAsync("edgeinspector/demo/cmd/set-threshold", """{"image_threshold":"0.5"}"""u8.ToArray(), Patience, "probe/replies/type");
        Assert.Contains("image_threshold", wrongType.Json.GetProperty("error").GetString(), StringComparison.Ordinal);
        var huge = await probe.RequestAsync("edgeinspector/demo/cmd/status", Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 100_000) + "\"}"), Patience, "probe/replies/huge");
        Assert.Contains("bytes", huge.Json.GetProperty("error").GetString(), StringComparison.Ordinal);

        // The verdicts still flow and the agent still stops cleanly.
        int before = probe.On("/verdict").Count();
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= before + 5, Patience, "verdicts after the bad commands");
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        Assert.Contains("cmd/set-threshold refused", agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_with_a_duplicate_key_is_answered_and_the_next_sigterm_exits_0()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var agent = StartAgent(broker);
        await using var probe = await RunningAsync(broker);

        var reply = await probe.RequestAsync("edgeinspector/demo/cmd/enroll", """{"parts":5,"parts":6}"""u8.ToArray(), Patience);

        Assert.Contains("duplicate", reply.Json.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);
        agent.Terminate();
        int code = await agent.WaitForExitAsync(Patience);
        Assert.True(code == 0, $"exit {code}:\n{agent.Output}");
    }

    [Fact]
    public async Task Oversized_payloads_are_dropped_unread_and_logged_once_a_minute()
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var agent = StartAgent(broker);
        await using var probe = await RunningAsync(broker);

        // Past the maximum packet size the agent announces, the broker drops them; just under it, the agent does.
        byte[] tooBig = new byte[(1024 * 1024) + 1000];
        for (int i = 0; i < 5; i++)
        {
            await probe.PublishAsync("edgeinspector/demo/cmd/status", tooBig);
        }

        await probe.PublishAsync("edgeinspector/demo/cmd/status", new byte[10 * 1024 * 1024]);

        var status = await probe.RequestAsync("edgeinspector/demo/cmd/status", "{}"u8.ToArray(), Patience, "probe/replies/status", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.Equal("demo", status.Json.GetProperty("device").GetString());
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        string[] dropped = [.. agent.Output.Split('\n').Where(l => l.Contains("dropped unread", StringComparison.Ordinal))];
        Assert.Single(dropped);
        Assert.Contains("edgeinspector/demo/cmd/status dropped unread: 1049576 bytes, the topic takes at most 1048576", dropped[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("edgeinspector/demo/verdict")]
    [InlineData("edgeinspector/demo/model/state")]
    [InlineData("edgeinspector/other/verdict")]
    public async Task A_reply_never_goes_to_a_contract_topic(string responseTopic)
    {
        using var broker = await MosquittoBroker.StartAsync();
        using var agent = StartAgent(broker);
        await using var probe = await RunningAsync(broker);
        await using var watcher = await MqttProbe.ConnectAsync(broker.Port, responseTopic);

        await probe.PublishAsync("edgeinspector/demo/cmd/status", "{}"u8.ToArray(), responseTopic);
        var allowed = await probe.RequestAsync("edgeinspector/demo/cmd/status", "{}"u8.ToArray(), Patience, "edgeinspector/demo/reply/tech-1");
        Assert.Equal("demo", allowed.Json.GetProperty("device").GetString());
        await Task.Delay(500);

        Assert.DoesNotContain(watcher.Messages, m => m.Text.Contains("\"agent_version\"", StringComparison.Ordinal));
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
        Assert.Contains("response topic", agent.Output, StringComparison.Ordinal);
    }
}
